"""Encoding one chunk of new contributions for COPY, with their journal events: checked,
priced, numbered and chained (CPU only, no I/O, so it runs beside the database).

Every contribution gets its own ``contribution.recorded`` event, exactly the one
``record_contributions`` would journal: the body is the catalogue type's encoding and
the document is hashed under the journal's rule. For these documents (ASCII keys, text,
booleans, null and integers below 2**53) RFC 8785 is sorted, compact JSON, so each
document is assembled around its body as ``orjson`` writes it with sorted keys, the one
part that changes; a property test holds every assembled document byte-equal to
``canonical_json(event_document(...))``.

Rows are written in PostgreSQL's COPY text format: tab-separated, ``\\N`` for null,
backslash, tab, newline and carriage return escaped.
"""

from __future__ import annotations

import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import orjson

from ledger.journal.canonical import timestamp
from ledger.journal.events.register import ContributionRecorded
from ledger.kernel.errors import InvalidInput, NotFound
from ledger.register.credit import CreditPolicy
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
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """``value`` as a field of COPY's text format."""
    return value.translate(_ESCAPES)


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
    """Credit texts per kind under the policy, and the weights the tally prices with."""

    def __init__(self, policy: CreditPolicy) -> None:
        self.policy = policy
        self.texts: dict[str, str] = {}
        self.weights: dict[str, Decimal] = {}

    def text(self, kind: str) -> str:
        known = self.texts.get(kind)
        if known is None:
            weight = self.policy.weight(kind).quantize(_CREDIT)
            self.weights[kind] = weight
            known = self.texts[kind] = str(weight)
        return known


def _utc(at: datetime) -> datetime:
    offset = at.utcoffset()
    if offset is None:
        raise InvalidInput("occurredAt needs a time zone", "occurredAt")
    return at.astimezone(UTC) if offset else at


def instants(values: list[datetime]) -> list[str]:
    """``timestamp`` of each UTC instant, formatted in one call (a fixed 27-character
    form: whole seconds get ``.000000``)."""
    raw = orjson.dumps(values, option=orjson.OPT_UTC_Z)
    out = raw[2:-2].decode().split('","') if values else []
    for i, text in enumerate(out):
        if len(text) == 20:  # whole seconds: orjson leaves the fraction out
            out[i] = text[:-1] + ".000000Z"
        elif len(text) != 27:
            out[i] = timestamp(values[i])
    return out


def _checked(terms: Terms, items: list[NewContribution]) -> list[datetime]:
    """Check every item; their instants in UTC."""
    pairs: set[tuple[str, str]] = set()
    ats = []
    for item in items:
        if (item.kind, item.source) not in pairs:
            check_kind(item.kind, terms.kinds)
            check_source(item.source)
            pairs.add((item.kind, item.source))
        check_natural_key(item.natural_key)
        if item.evidence_url is not None:
            check_url(item.evidence_url, "evidenceUrl")
        ats.append(_utc(item.occurred_at))
    return ats


class _Document:
    """The fixed parts of a load's documents around each body and sequence number
    (the sorted keys: actor, body, project_id, recorded_at, seq, type, v)."""

    def __init__(self, terms: Terms, recorded: str) -> None:
        self.head = b'{"actor":' + orjson.dumps(terms.actor) + b',"body":'
        self.middle = b',"project_id":%d,"recorded_at":%b,"seq":' % (
            terms.project_id,
            orjson.dumps(recorded),
        )
        self.tail = b',"type":%b,"v":%d}' % (
            orjson.dumps(ContributionRecorded.TYPE),
            ContributionRecorded.VERSION,
        )


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
    recorded = timestamp(terms.recorded_at)
    doc = _Document(terms, recorded)
    head, middle, tail = doc.head, doc.middle, doc.tail
    event_row = b"%%d\t%%d\t%b\t%%b\t%b\t%b\t\\\\x%%b\t\\\\x%%b\t%d\n" % (
        ContributionRecorded.TYPE.encode(),
        copy_text(terms.actor).encode(),
        recorded.encode(),
        ContributionRecorded.VERSION,
    )
    pid, pv = terms.project_id, terms.policy.version
    prices = _Prices(terms.policy)
    tally, tallied = Tally(prices.weights), terms.tally
    dumps, sort, sha256, hexlify = (
        orjson.dumps,
        orjson.OPT_SORT_KEYS,
        hashlib.sha256,
        binascii.hexlify,
    )
    bs, bs2, bbs, bbs2 = "\\", "\\\\", b"\\", b"\\\\"
    seq, prev = cursor.seq, cursor.hash
    rows: list[str] = []
    events: list[bytes] = []
    for item, id_, at, occurred in zip(items, ids, ats, texts, strict=True):
        kind, key, url, who = item.kind, item.natural_key, item.evidence_url, item.contributor_id
        counted = not bots[who]
        if counted:
            credit = prices.text(kind)
            if tallied:
                tally.add(who, kind, at)
        else:
            credit = "0.0000"
        body = {
            "contribution_id": id_,
            "contributor_id": who,
            "kind": kind,
            "occurred_at": occurred,
            "source": item.source,
            "natural_key": key,
            "evidence_url": url,
            "credit": credit,
            "policy_version": pv,
            "counted": counted,
        }
        try:
            text = dumps(body, option=sort)
            metadata = dumps(item.metadata).decode() if item.metadata else "{}"
        except orjson.JSONEncodeError as exc:
            raise InvalidInput(f"contribution {key!r} is not valid JSON text: {exc}") from None
        seq += 1
        digest = sha256(b"%b%b%b%b%d%b" % (prev, head, text, middle, seq, tail)).digest()
        link = "\\N" if url is None else copy_text(url)
        rows.append(
            f"{pid}\t{id_}\t{who}\t{kind}\t{occurred}\t{item.source}\t{key.replace(bs, bs2)}"
            f"\t{link}\t{metadata.replace(bs, bs2)}\t{credit}\t{pv}\t{'t' if counted else 'f'}"
            f"\t{recorded}\n"
        )
        if bbs in text:
            text = text.replace(bbs, bbs2)
        events.append(event_row % (pid, seq, text, hexlify(prev), hexlify(digest)))
        prev = digest
    cursor.seq, cursor.hash = seq, prev
    return Chunk(
        "".join(rows).encode(),
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
