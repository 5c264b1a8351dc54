"""The published JSON Schemas, served at the path their ``$id`` names: the journal's event
catalogue and the signed report."""

from __future__ import annotations

from litestar import Response, get
from litestar.params import FromPath

from ledger.journal.events.schema import FILE as EVENTS_FILE
from ledger.journal.events.schema import SCHEMA_ID as EVENTS_ID
from ledger.kernel.errors import NotFound
from reports.build import SCHEMA_FILE as REPORT_FILE
from reports.build import SCHEMA_ID as REPORT_ID

SCHEMAS = {EVENTS_ID: EVENTS_FILE, REPORT_ID: REPORT_FILE}
MEDIA_TYPE = "application/schema+json"


@get("/schemas/{family:str}/{name:str}", sync_to_thread=False)
def schema_file(family: FromPath[str], name: FromPath[str]) -> Response[bytes]:
    """The JSON Schema whose ``$id`` is this path."""
    found = SCHEMAS.get(f"/schemas/{family}/{name}")
    if found is None:
        raise NotFound(
            f"no schema /schemas/{family}/{name}; published: {', '.join(sorted(SCHEMAS))}"
        )
    return Response(found.read_bytes(), media_type=MEDIA_TYPE)
