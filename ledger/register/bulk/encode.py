"""Encoding one chunk of new contributions for COPY, with their journal events: checked,
priced, numbered and chained (CPU only, no I/O, so it runs beside the database).

Every contribution gets its own ``contribution.recorded`` event, exactly the one
``record_contributions`` would journal: the body is the catalogue type's encoding and
the document is hashed under the journal's rule. For these documents (ASCII keys, text,
booleans, null and integers below 2**53) RFC 8785 is sorted, compact JSON, so each
document is assembled from its fixed parts in sorted key order and its values as
``orjson`` writes them; a property test holds every assembled document byte-equal to
``canonical_json(event_document(...))``.

Rows are written in PostgreSQL's binary COPY format (``binary``): the server parses
no text but the JSON of ``jsonb`` fields.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import orjson

from ledger.journal.canonical import canonical_json, timestamp
from ledger.journal.events import encode
from ledger.journal.events.base import or_unset
from ledger.journal.events.register import ContributionRecorded
from ledger.kernel.errors import InvalidInput, NotFound
from ledger.register.bulk import binary
from ledger.register.credit import CreditPolicy
from ledger.register.facts import facts_of
from ledger.register.models import (
    NewContribution,
    check_kind,
    check_natural_key,
    check_source,
    check_url,
)
from ledger.register.rollups import Tally

EXACT = 2**53 - 1
_CREDIT = Decimal("0.0001")


@dataclass(slots=True)
class Cursor:
    """Where the chain continues: the last event's number and hash."""

    seq: int
    hash: bytes


@dataclass(frozen=True, slots=True)
class Terms:
    """What every chunk of one load shares: the project, who loads it, when it is
    recorded, the credit policy that prices it, the kinds the project knows, and
    whether each chunk tallies its rollups (an import recounts them at its end)."""

    project_id: int
    actor: str
    recorded_at: datetime
    policy: CreditPolicy
    kinds: frozenset[str]
    tally: bool = True


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk ready for COPY: its rows, its rollup tally, where its chain runs
    (after ``start`` up to ``end``), the contributors it was priced for (bot or not)
    and what it was encoded from (to encode it again after the chain moved)."""

    contributions: bytes
    events: bytes
    tally: Tally
    size: int
    start: Cursor
    end: Cursor
    people: list[int]
    bots: dict[int, bool]
    items: list[NewContribution]
    ids: list[int]


class _Prices:
    """Credit per kind under the policy, as a binary COPY field and as JSON, and the
    weights the tally prices with."""

    def __init__(self, policy: CreditPolicy) -> None:
        self.policy = policy
        self.texts: dict[str, tuple[bytes, bytes]] = {}
        self.weights: dict[str, Decimal] = {}

    def text(self, kind: str) -> tuple[bytes, bytes]:
        known = self.texts.get(kind)
        if known is None:
            weight = self.policy.weight(kind).quantize(_CREDIT)
            self.weights[kind] = weight
            known = self.texts[kind] = (binary.numeric(weight), orjson.dumps(str(weight)))
        return known


def _utc(at: datetime) -> datetime:
    offset = at.utcoffset()
    if offset is None:
        raise InvalidInput("occurredAt needs a time zone", "occurredAt")
    return at.astimezone(UTC) if offset else at


def instants(values: list[datetime]) -> list[bytes]:
    """``timestamp`` of each UTC instant, formatted in one call (a fixed 27-character
    form: whole seconds, which orjson writes without a fraction, get ``.000000``)."""
    if not values:
        return []
    raw = orjson.dumps(values, option=orjson.OPT_UTC_Z)
    if b"." not in raw:  # all whole seconds (a git history): one replace
        raw = raw.replace(b'Z"', b'.000000Z"')
    out = raw[2:-2].split(b'","')
    for i, text in enumerate(out):
        if len(text) == 20:
            out[i] = text[:-1] + b".000000Z"
        elif len(text) != 27:  # another form: the slow way
            out[i] = timestamp(values[i]).encode()
    return out


def _checked(terms: Terms, items: list[NewContribution]) -> list[datetime]:
    """Check every item; their instants in UTC."""
    kinds: set[str] = set()
    sources: set[str] = set()
    ats = []
    for item in items:
        kind, source, key, at = item.kind, item.source, item.natural_key, item.occurred_at
        if kind not in kinds:
            kinds.add(check_kind(kind, terms.kinds))
        if source not in sources:
            sources.add(check_source(source))
        if not (0 < len(key) <= 500 and key.isprintable()):
            check_natural_key(key)
        if item.evidence_url is not None:
            check_url(item.evidence_url, "evidenceUrl")
        ats.append(at if at.tzinfo is UTC else _utc(at))
    return ats


class _Document:
    """The fixed parts of a load's documents around what changes (the sorted keys:
    actor, body, project_id, recorded_at, seq, type, v; the body's own sorted keys in
    ``BODY``), and of their COPY rows."""

    # contribution_id, contributor_id, counted, credit, evidence_url, kind, natural_key,
    # occurred_at, policy_version, source: each value as JSON.
    BODY = (
        b'{"contribution_id":%d,"contributor_id":%d,"counted":%b,"credit":%b,'
        b'"evidence_url":%b,"kind":%b,"natural_key":%b,"occurred_at":"%b",'
        b'"policy_version":%d,"source":%b}'
    )

    def __init__(self, terms: Terms) -> None:
        recorded = timestamp(terms.recorded_at)
        self.head = b'{"actor":' + orjson.dumps(terms.actor) + b',"body":'
        self.middle = b',"project_id":%d,"recorded_at":%b,"seq":' % (
            terms.project_id,
            orjson.dumps(recorded),
        )
        self.tail = b',"type":%b,"v":%d}' % (
            orjson.dumps(ContributionRecorded.TYPE),
            ContributionRecorded.VERSION,
        )
        at = binary.timestamptz(terms.recorded_at)
        # events: project_id, seq | type | body | actor, recorded_at, prev_hash | hash, version
        self.event_type = binary.text(ContributionRecorded.TYPE.encode())
        self.event_after_body = binary.text(terms.actor.encode()) + at + _HASH
        self.event_end = binary.int2(ContributionRecorded.VERSION)
        # contributions: ... | policy_version, counted, recorded_at
        version = binary.int4(terms.policy.version)
        self.row_end = {c: version + binary.boolean(c) + at for c in (True, False)}


class _Fields(dict[str, tuple[bytes, bytes]]):
    """A kind's or a source's COPY field and JSON value, made once per chunk."""

    def __missing__(self, value: str) -> tuple[bytes, bytes]:
        made = self[value] = (binary.text(value.encode()), orjson.dumps(value))
        return made


_HASH = struct.pack(">i", 32)
_ROW = struct.Struct(">hiqiqiq")  # 13 fields: project_id, id, contributor_id
_EVENT = struct.Struct(">hiqiq")  # 9 fields: project_id, seq
_AT = struct.Struct(">iq")
_LENGTH = struct.Struct(">i")
_EMPTY = binary.jsonb(b"{}")


# Metadata keys that are public facts of the event (``ledger.register.facts``): a row
# stating any is journaled through the catalogue's own encoding, not the fixed template.
FACT_KEYS = frozenset({"thread", "thread_role", "opened_at", "repository", "reverts"})


def _with_facts(
    item: NewContribution,
    id_: int,
    counted: bool,
    credit_json: bytes,
    at: datetime,
    occurred: bytes,
    policy_version: int,
) -> bytes:
    """The canonical body of a contribution whose metadata states public facts."""
    facts = facts_of(item.metadata, at)
    event = ContributionRecorded(
        contribution_id=id_,
        contributor_id=item.contributor_id,
        kind=item.kind,
        occurred_at=occurred.decode(),
        source=item.source,
        natural_key=item.natural_key,
        evidence_url=item.evidence_url,
        credit=orjson.loads(credit_json),
        policy_version=policy_version,
        counted=counted,
        thread=or_unset(facts.thread),
        thread_role=or_unset(facts.thread_role),
        opened_at=or_unset(facts.opened_at),
        repository=or_unset(facts.repository),
        reverts=or_unset(facts.reverts),
    )
    return canonical_json(encode(event))


def encode_chunk(
    terms: Terms,
    cursor: Cursor,
    items: list[NewContribution],
    ids: list[int],
    bots: dict[int, bool],
) -> Chunk:
    """Check, price, number (``ids``) and chain ``items`` after ``cursor``, which
    advances to the chunk's last event; ``bots`` says who is a bot (every contributor
    of the chunk must be in it)."""
    start = Cursor(cursor.seq, cursor.hash)
    people = list({i.contributor_id for i in items})
    missing = [p for p in people if p not in bots]
    if missing:
        raise NotFound(f"no (unmerged) contributor {min(missing)}")
    if max(ids, default=0) > EXACT or max(people, default=0) > EXACT:
        raise InvalidInput("numbers beyond 2**53 cannot be journaled exactly", "id")
    ats = _checked(terms, items)
    texts = instants(ats)
    doc = _Document(terms)
    head, middle, tail, body_of = doc.head, doc.middle, doc.tail, doc.BODY
    event_type, event_after_body, event_end, row_end = (
        doc.event_type, doc.event_after_body, doc.event_end, doc.row_end,
    )  # fmt: skip
    pid, pv = terms.project_id, terms.policy.version
    prices = _Prices(terms.policy)
    tally, tallied = Tally(prices.weights, pv), terms.tally
    named = _Fields()
    zero = (binary.numeric(Decimal("0.0000")), b'"0.0000"')
    dumps, sha256, join = orjson.dumps, hashlib.sha256, b"".join
    row_head, event_head, at_field, length = _ROW.pack, _EVENT.pack, _AT.pack, _LENGTH.pack
    epoch, microsecond = binary.EPOCH, binary.MICROSECOND
    seq, prev = cursor.seq, cursor.hash
    rows: list[bytes] = [binary.HEADER]
    events: list[bytes] = [binary.HEADER]
    for item, id_, at, occurred in zip(items, ids, ats, texts, strict=True):
        kind, key, url, who = item.kind, item.natural_key, item.evidence_url, item.contributor_id
        counted = item.counted and not bots[who]
        if counted:
            credit = prices.text(kind)
            if tallied:
                tally.add(who, kind, at)
        else:
            credit = zero
        kind_field, kind_json = named[kind]
        source_field, source_json = named[item.source]
        try:
            key_json = dumps(key)
            url_json = b"null" if url is None else dumps(url)
            metadata = binary.jsonb(dumps(item.metadata)) if item.metadata else _EMPTY
        except orjson.JSONEncodeError as exc:
            raise InvalidInput(f"contribution {key!r} is not valid JSON text: {exc}") from None
        if item.metadata and not FACT_KEYS.isdisjoint(item.metadata):
            body = _with_facts(item, id_, counted, credit[1], at, occurred, pv)
        else:
            body = body_of % (
                id_, who, b"true" if counted else b"false", credit[1], url_json, kind_json,
                key_json, occurred, pv, source_json,
            )  # fmt: skip
        seq += 1
        digest = sha256(b"%b%b%b%b%d%b" % (prev, head, body, middle, seq, tail)).digest()
        key_text = key.encode()
        rows.append(join((
            row_head(13, 8, pid, 8, id_, 8, who), kind_field, at_field(8, (at - epoch) // microsecond),
            source_field, length(len(key_text)), key_text,
            binary.NULL if url is None else binary.text(url.encode()), metadata, credit[0],
            row_end[counted],
        )))  # fmt: skip
        events.append(join((
            event_head(9, 8, pid, 8, seq), event_type, length(len(body) + 1), b"\x01", body,
            event_after_body, prev, _HASH, digest, event_end,
        )))  # fmt: skip
        prev = digest
    rows.append(binary.TRAILER)
    events.append(binary.TRAILER)
    cursor.seq, cursor.hash = seq, prev
    return Chunk(
        b"".join(rows),
        b"".join(events),
        tally,
        len(items),
        start,
        Cursor(seq, prev),
        people,
        {p: bots[p] for p in people},
        items,
        ids,
    )
