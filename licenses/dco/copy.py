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

import asyncio
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg
import orjson

from ledger.journal.canonical import canonical_json, timestamp
from ledger.journal.chain import event_document
from ledger.journal.events import encode
from ledger.journal.events.licenses import GrantRecorded
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput, NotFound
from ledger.register.bulk import binary
from ledger.register.bulk.encode import Cursor
from ledger.register.bulk.write import EVENT_COLUMNS, may_skip_checks, triggers_off
from licenses.dco.settle import in_force, new_grant
from licenses.dco.work import Pair, Signed
from licenses.grants import public_body
from licenses.models import AgreementText, NewGrant

_IDS = (
    "SELECT array_agg(nextval(pg_get_serial_sequence('grants', 'id'))) FROM generate_series(1, $1)"
)
_HEAD = """
SELECT seq, hash, clock_timestamp() AS now FROM journal_heads WHERE project_id = $1 FOR UPDATE
"""
_MOVE = """
UPDATE journal_heads SET seq = $2, hash = $3 WHERE project_id = $1 AND seq = $4 AND hash = $5
"""
_REFERENCES = {
    "grants": {"projects", "contributors", "organisations", "agreement_texts"},
    "grant_contributions": {"grants", "contributions"},
    "journal_events": {"projects"},
}
GRANT_COLUMNS = [
    "project_id", "id", "natural_key", "grantor_contributor_id", "grantee", "instrument",
    "agreement_version", "text_sha256", "license_expression", "rights", "patent_grant",
    "irrevocable", "royalty_free", "scope", "evidence", "commit_sha", "signature_method",
    "delivery_id", "effective_at", "recorded_by",
]  # fmt: skip


async def grant_numbers(conn: asyncpg.Connection, count: int) -> list[int]:
    """``count`` new grant numbers."""
    return list(await conn.fetchval(_IDS, count) or [])


@dataclass(slots=True)
class Encoded:
    """Grants encoded for COPY: their rows, their contribution links and their events'
    bodies, and the first grant as ``new_grant`` makes it, to check the first event
    against; once chained (``chain_grants``), their events and where in the journal
    they run (``span``: after its first cursor up to its second)."""

    first: tuple[NewGrant, bytes] | None
    ids: list[int]
    rows: list[bytes]
    links: list[bytes]
    bodies: list[bytes]
    events: list[bytes] = field(default_factory=list)
    span: tuple[Cursor, Cursor] | None = None


async def encode_grants(
    project_id: int,
    actor: str,
    new: Sequence[tuple[Pair, int, list[Signed]]],
    texts: list[AgreementText],
    outbound: str | None,
    ids: list[int],
    *,
    step: int = 0,
) -> Encoded:
    """Encode the new grants settled for (commit, signer) pairs (numbered ``ids``),
    each exactly as ``new_grant`` makes it; with ``step``, let the event loop run
    every ``step`` grants (so that a COPY in flight on the same loop keeps its server
    fed)."""
    if not new:
        return Encoded(None, [], [binary.HEADER], [binary.HEADER], [])
    pair, count, work = new[0]
    first = new_grant(pair, count, work, texts, outbound)
    fixed = _fixed(first[0])
    by_version = {t.version: _Text(t) for t in texts}
    pid, who = binary.int8(project_id), _text(actor)
    rows, links, bodies = [binary.HEADER], [binary.HEADER], []
    for n, (((sha, signer), count, work), grant_id) in enumerate(zip(new, ids, strict=True)):
        if step and n % step == step - 1:
            await asyncio.sleep(0)
        c = work[0]
        text = by_version[in_force(texts, c.occurred_at).version]
        key = f"dco:{sha}:{signer}:{count}" if count > 1 else f"dco:{sha}:{signer}"
        delivery = c.metadata.get("delivery")
        gid, grantor = binary.int8(grant_id), binary.int8(c.contributor_id)
        rows.append(b"".join((
            _GRANT_FIELDS, pid, gid, _text(key), grantor, fixed.head, text.version,
            text.sha, fixed.terms, binary.jsonb(_EVIDENCE % signer), _text(sha), fixed.method,
            _text(delivery[:255] if isinstance(delivery, str) and delivery else None),
            binary.timestamptz(c.occurred_at), who,
        )))  # fmt: skip
        listed = [c.id] if len(work) == 1 else sorted({w.id for w in work})
        links += [_LINK_FIELDS + pid + gid + binary.int8(i) for i in listed]
        bodies.append(b"".join((
            text.head, sha.encode(), b'","contribution_ids":', orjson.dumps(listed),
            b',"effective_at":"', timestamp(c.occurred_at).encode(),
            b'","exclusive":false,"grant_id":%d,' % grant_id,
            fixed.middle % (b"%d" % c.contributor_id), text.end,
        )))  # fmt: skip
    return Encoded(first, list(ids), rows, links, bodies)


class _Text:
    """The COPY fields and event-body parts of grants made under one agreement text."""

    def __init__(self, text: AgreementText) -> None:
        self.version = binary.int4(text.version)
        self.sha = binary.text(text.sha256)
        self.head = b'{"agreement_version":%d,"authorisations":0,"commit":"' % text.version
        self.end = b'"text_sha256":"%b","trademark_excluded":true}' % text.sha256.hex().encode()


_EVIDENCE = b'{"trailer":"Signed-off-by","signed_off_by":%d}'


def chain_grants(
    project_id: int, actor: str, encoded: Encoded, start: Cursor, now: datetime
) -> tuple[Cursor, Cursor]:
    """Chain the encoded grants' events after ``start``, recorded at ``now`` (CPU only:
    a history import chains them while its contributions' events are copied, once it
    knows where those end)."""
    seq, prev = start.seq, start.hash
    document = _Document(project_id, actor, now)
    pid, at, who = binary.int8(project_id), binary.timestamptz(now), _text(actor)
    kind, version = _text(GrantRecorded.TYPE), binary.int2(GrantRecorded.VERSION)
    events = [binary.HEADER]
    for n, body in enumerate(encoded.bodies):
        seq += 1
        whole = document.of(body, seq)
        if n == 0 and encoded.first is not None:
            grant, text_sha = encoded.first
            document.check(grant, encoded.ids[0], text_sha, seq, whole)
        digest = hashlib.sha256(prev + whole).digest()
        events.append(b"".join((
            _EVENT_FIELDS, pid, binary.int8(seq), kind, binary.jsonb(body), who, at,
            binary.text(prev), binary.text(digest), version,
        )))  # fmt: skip
        prev = digest
    encoded.events, encoded.span = events, (start, Cursor(seq, prev))
    return encoded.span


async def write_grants(
    conn: asyncpg.Connection, project_id: int, actor: str, encoded: Encoded
) -> int:
    """COPY the encoded grants with their events, chained beforehand from the project's
    journal head or else now, and move the head past them (caller's transaction,
    holding the head); how many grants."""
    if not encoded.ids:
        return 0
    span = encoded.span
    if span is None:
        head = await conn.fetchrow(_HEAD, project_id)
        if head is None:
            raise NotFound(f"project {project_id} has no journal")
        now, after = head["now"], Cursor(head["seq"], bytes(head["hash"]))
        span = chain_grants(project_id, actor, encoded, after, now)
    start, end = span
    async with triggers_off(conn, await _fast(conn)):
        for table, records, columns in (
            ("grants", encoded.rows, GRANT_COLUMNS),
            ("grant_contributions", encoded.links, ["project_id", "grant_id", "contribution_id"]),
            ("journal_events", encoded.events, EVENT_COLUMNS),
        ):
            stream = memoryview(b"".join((*records, binary.TRAILER)))
            await conn.copy_to_table(table, source=stream, columns=columns, format="binary")
    moved = await conn.execute(_MOVE, project_id, end.seq, end.hash, start.seq, start.hash)
    if moved != "UPDATE 1":  # the events were chained from a head that is not the head
        raise Conflict(
            "the journal moved while the grants were chained", ConflictCode.JOURNAL_BROKEN
        )
    return len(encoded.ids)


async def _fast(conn: asyncpg.Connection) -> bool:
    """True when the only triggers inserting into these tables fires are the checks of
    the foreign keys this load knows to hold (the project and the grantors it holds
    locked, the agreement texts it read, the grants and contributions it just wrote)
    and the session may turn them off for its COPY."""
    return await may_skip_checks(conn, _REFERENCES, lambda table, _, ref: ref in _REFERENCES[table])


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A body's middle (its terms, with the grantor left to fill) and the binary COPY
    fields of those terms: grantee and instrument, license to scope, method."""

    middle: bytes
    head: bytes
    terms: bytes
    method: bytes


def _fixed(grant: NewGrant) -> _Fixed:
    """What every grant of this one's terms shares: the middle of its event's body in
    RFC 8785 order (sorted keys, compact; these values are integers, ASCII text,
    booleans and null), and its fixed COPY fields."""
    dumps = orjson.dumps
    middle = (
        b'"grantee":%b,"grantor_contributor_id":%%b,"grantor_organisation_id":null,'
        b'"instrument":%b,"irrevocable":%b,"license_expression":%b,'
        b'"ownership_retained":true,"patent_grant":%b,"rights":%b,"royalty_free":%b,'
        b'"scope":"contributions","scope_from":null,"signature_method":%b,'
    ) % (
        dumps(grant.grantee), dumps(grant.instrument), dumps(grant.irrevocable),
        dumps(grant.license_expression), dumps(grant.patent_grant),
        dumps(list(grant.rights)), dumps(grant.royalty_free),
        dumps(grant.signature_method),
    )  # fmt: skip
    head = _text(grant.grantee) + _text(grant.instrument)
    terms = b"".join((
        _text(grant.license_expression), _text_array(grant.rights),
        binary.boolean(grant.patent_grant), binary.boolean(grant.irrevocable),
        binary.boolean(grant.royalty_free), _text("contributions"),
    ))  # fmt: skip
    return _Fixed(middle, head, terms, _text(grant.signature_method))


class _Document:
    """A grant event's whole document around its body, for one load's actor and
    instant, checked against the journal's own canonical form once per load."""

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

    def of(self, body: bytes, seq: int) -> bytes:
        """The document of event ``seq`` with ``body``."""
        return b"%b%b%b%d%b" % (self.head, body, self.middle, seq, self.tail)

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


_GRANT_FIELDS = struct.pack(">h", len(GRANT_COLUMNS))
_LINK_FIELDS = struct.pack(">h", 3)
_EVENT_FIELDS = struct.pack(">h", len(EVENT_COLUMNS))
_TEXT_OID = 25


def _text(value: str | None) -> bytes:
    return binary.NULL if value is None else binary.text(value.encode())


def _text_array(values: Sequence[str]) -> bytes:
    """A one-dimensional ``text[]`` field without nulls."""
    items = b"".join(binary.text(v.encode()) for v in values)
    body = struct.pack(">iiiii", 1, 0, _TEXT_OID, len(values), 1) + items
    return struct.pack(">i", len(body)) + body
