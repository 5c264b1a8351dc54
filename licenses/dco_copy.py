"""Many new DCO grants at once, by COPY: the grants, their contributions and their
``grant.recorded`` events (a history import's sign-offs, tens of thousands at a time).

The caller holds the project's journal head (a history import locks it for its
batch), so the grants' natural keys, found new, stay new, and the events continue
the chain from the head, which moves past them. Each event is exactly the one
``grants.insert_grants`` would journal (``grants.public_body``), hashed under the
journal's rule. Their bodies hold numbers, the project's license expression, a commit
sha, fixed words and instants, never personal data, so the per-event scan for emails
and IP addresses is not needed here.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from datetime import datetime

import asyncpg
import orjson

from ledger.journal.canonical import canonical_json, timestamp
from ledger.journal.chain import event_document
from ledger.journal.events import encode
from ledger.journal.events.licenses import GrantRecorded
from ledger.kernel.errors import InvalidInput, NotFound
from licenses.grants import public_body
from licenses.models import NewGrant

_IDS = (
    "SELECT array_agg(nextval(pg_get_serial_sequence('grants', 'id'))) FROM generate_series(1, $1)"
)
_HEAD = """
SELECT seq, hash, clock_timestamp() AS now FROM journal_heads WHERE project_id = $1 FOR UPDATE
"""
_MOVE = "UPDATE journal_heads SET seq = $2, hash = $3 WHERE project_id = $1"
_REFERENCES = {
    "grants": {"projects", "contributors", "organisations", "agreement_texts"},
    "grant_contributions": {"grants", "contributions"},
    "journal_events": {"projects"},
}
_INSERT_TRIGGERS = """
SELECT c.relname AS tab, k.contype::text AS contype, f.relname AS ref
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
LEFT JOIN pg_constraint k ON k.oid = t.tgconstraint
LEFT JOIN pg_class f ON f.oid = k.confrelid
WHERE c.relname = any($1::text[]) AND c.relnamespace = 'public'::regnamespace
  AND t.tgtype & 4 <> 0 AND t.tgenabled <> 'D'
"""
_SUPERUSER = "SELECT current_setting('is_superuser') = 'on'"
_MAY_SET_ROLE = """
SELECT current_setting('is_superuser') = 'on'
    OR coalesce(has_parameter_privilege('session_replication_role', 'SET'), false)
"""
GRANT_COLUMNS = [
    "project_id", "id", "natural_key", "grantor_contributor_id", "grantee", "instrument",
    "agreement_version", "text_sha256", "license_expression", "rights", "patent_grant",
    "irrevocable", "royalty_free", "scope", "evidence", "commit_sha", "signature_method",
    "delivery_id", "effective_at", "recorded_by",
]  # fmt: skip
EVENT_COLUMNS = [
    "project_id", "seq", "type", "body", "actor", "recorded_at", "prev_hash", "hash", "version",
]  # fmt: skip


async def copy_grants(
    conn: asyncpg.Connection,
    project_id: int,
    grants: Sequence[tuple[NewGrant, bytes]],
    actor: str,
) -> int:
    """Record grants scoped to listed contributions, whose natural keys are all new,
    with one journal event each (caller's transaction); how many."""
    if not grants:
        return 0
    ids = list(await conn.fetchval(_IDS, len(grants)))
    head = await conn.fetchrow(_HEAD, project_id)
    if head is None:
        raise NotFound(f"project {project_id} has no journal")
    seq, prev, now = head["seq"], bytes(head["hash"]), head["now"]
    rows, links, events = [], [], []
    template = _Template(project_id, actor, now)
    for n, ((grant, text_sha), grant_id) in enumerate(zip(grants, ids, strict=True)):
        rows.append((
            project_id, grant_id, grant.natural_key, grant.grantor_contributor_id, grant.grantee,
            grant.instrument, grant.agreement_version, _hex(text_sha), grant.license_expression,
            "{" + ",".join(grant.rights) + "}", _flag(grant.patent_grant),
            _flag(grant.irrevocable), _flag(grant.royalty_free), "contributions",
            orjson.dumps(grant.evidence).decode(), grant.commit_sha, grant.signature_method,
            grant.delivery_id, grant.effective_at.isoformat(), actor,
        ))  # fmt: skip
        links += [(project_id, grant_id, c) for c in grant.contribution_ids]
        seq += 1
        body, document = template.encode(grant, grant_id, text_sha, seq)
        if n == 0:
            template.check(grant, grant_id, text_sha, seq, document)
        digest = hashlib.sha256(prev + document).digest()
        events.append(
            (project_id, seq, GrantRecorded.TYPE, body.decode(), actor, now.isoformat(),
             _hex(prev), _hex(digest), GrantRecorded.VERSION)
        )  # fmt: skip
        prev = digest
    fast = await _fast(conn)
    if fast:
        await conn.execute("SET LOCAL session_replication_role = replica")
    for table, records, columns in (
        ("grants", rows, GRANT_COLUMNS),
        ("grant_contributions", links, ["project_id", "grant_id", "contribution_id"]),
        ("journal_events", events, EVENT_COLUMNS),
    ):
        await conn.copy_to_table(table, source=_csv(records), columns=columns, format="csv")
    if fast:
        await conn.execute("SET LOCAL session_replication_role = origin")
    await conn.execute(_MOVE, project_id, seq, prev)
    return len(grants)


async def _fast(conn: asyncpg.Connection) -> bool:
    """True when the only triggers inserting into these tables fires are the checks of
    the foreign keys this load knows to hold (the project and the grantors it holds
    locked, the agreement texts it read, the grants and contributions it just wrote)
    and the session may turn them off for its COPY."""
    rows = await conn.fetch(_INSERT_TRIGGERS, sorted(_REFERENCES))
    known = all(r["contype"] == "f" and r["ref"] in _REFERENCES[r["tab"]] for r in rows)
    granted = _MAY_SET_ROLE if conn.get_server_version().major >= 15 else _SUPERUSER
    return known and bool(await conn.fetchval(granted))


class _Template:
    """A DCO grant's event document assembled from its fixed parts in RFC 8785 order
    (sorted keys, compact; these values are integers, ASCII text, booleans and null),
    checked against the journal's own canonical form once per call."""

    def __init__(self, project_id: int, actor: str, now: datetime) -> None:
        self.project_id, self.actor, self.now = project_id, actor, now
        self.head = b'{"actor":' + orjson.dumps(actor) + b',"body":'
        self.middle = b',"project_id":%d,"recorded_at":%b,"seq":' % (
            project_id,
            orjson.dumps(timestamp(now)),
        )
        self.tail = b',"type":%b,"v":%d}' % (
            orjson.dumps(GrantRecorded.TYPE),
            GrantRecorded.VERSION,
        )

    def encode(
        self, grant: NewGrant, grant_id: int, text_sha: bytes | None, seq: int
    ) -> tuple[bytes, bytes]:
        """The event's body and whole document as canonical JSON."""
        dumps = orjson.dumps
        body = (
            b'{"agreement_version":%b,"authorisations":%d,"commit":%b,"contribution_ids":%b,'
            b'"effective_at":%b,"exclusive":false,"grant_id":%d,"grantee":%b,'
            b'"grantor_contributor_id":%b,"grantor_organisation_id":null,"instrument":%b,'
            b'"irrevocable":%b,"license_expression":%b,"ownership_retained":true,'
            b'"patent_grant":%b,"rights":%b,"royalty_free":%b,"scope":"contributions",'
            b'"scope_from":null,"signature_method":%b,"text_sha256":%b,'
            b'"trademark_excluded":true}'
        ) % (
            dumps(grant.agreement_version), len(grant.authorisations), dumps(grant.commit_sha),
            dumps(sorted(grant.contribution_ids)), dumps(timestamp(grant.effective_at)),
            grant_id, dumps(grant.grantee), dumps(grant.grantor_contributor_id),
            dumps(grant.instrument), dumps(grant.irrevocable), dumps(grant.license_expression),
            dumps(grant.patent_grant), dumps(list(grant.rights)), dumps(grant.royalty_free),
            dumps(grant.signature_method), dumps(text_sha.hex() if text_sha else None),
        )  # fmt: skip
        return body, b"%b%b%b%d%b" % (self.head, body, self.middle, seq, self.tail)

    def check(
        self, grant: NewGrant, grant_id: int, text_sha: bytes | None, seq: int, document: bytes
    ) -> None:
        """Refuse to go on when the assembled document is not the canonical one."""
        body = encode(public_body(grant, grant_id, text_sha))
        expected = canonical_json(
            event_document(
                self.project_id, seq, GrantRecorded.TYPE, GrantRecorded.VERSION, body,
                self.actor, self.now,
            )
        )  # fmt: skip
        if expected != document or not document.isascii():
            raise InvalidInput("a DCO grant's event cannot be assembled for COPY", "grant")


def _hex(digest: bytes | None) -> str | None:
    return "\\x" + digest.hex() if digest is not None else None


def _flag(value: bool) -> str:
    return "t" if value else "f"


def _csv(rows: Sequence[Sequence[object]]) -> io.BytesIO:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return io.BytesIO(out.getvalue().encode())
