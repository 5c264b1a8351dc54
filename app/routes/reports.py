"""HTTP for transparency reports: a period's report in each format (the JSON signed)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery

from app.routes.reading import on_reader
from app.runtime import Runtime
from reports import service


@get("/projects/{slug:str}/reports/{name:str}")
async def report(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    name: FromPath[str],
    table: FromQuery[str | None] = None,
) -> Response[bytes]:
    """The report of a period: ``2026-Q3.json`` (signed), ``.html``, ``.md`` or ``.csv``
    (``?table=contributions|funding|ballots``)."""
    runtime: Runtime = request.app.state.runtime
    label, fmt = service.split_name(name)
    body = await on_reader(
        request,
        lambda reader: service.produce(
            runtime.pool,
            runtime.keys,
            slug,
            label,
            fmt,
            table,
            embed_limit=runtime.settings.report_embed_limit,
            reader=reader,
        ),
    )
    return Response(body, media_type=service.FORMATS[fmt])
