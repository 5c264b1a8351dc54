"""The append-only, hash-chained journal: one chain per project.

Each event's ``hash = SHA-256(prev_hash || RFC8785(document))`` where the document
is ``{project_id, seq, type, v, body, actor, recorded_at}``; the first event chains
from 32 zero bytes. Writers append typed events of the catalogue
(``ledger.journal.events``): ``type`` is the event type's name, ``v`` its version
and ``body`` its encoding. Writers serialise per project on the ``journal_heads``
row, so concurrent transactions still produce one gap-free chain. The database refuses
UPDATE, DELETE and TRUNCATE on ``journal_events`` (see migration 0001); this module
refuses a body holding an email or IP address (``ledger.kernel.personal``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ledger.journal.canonical import GENESIS_HASH, canonical_json, sha256, timestamp
from ledger.journal.events import Event, encode
from ledger.kernel.errors import Conflict, ConflictCode, NotFound
from ledger.kernel.personal import refuse_personal


@dataclass(frozen=True, slots=True)
class JournalEvent:
    """One published event with its place in the chain."""

    project_id: int
    seq: int
    type: str
    version: int
    body: dict[str, Any]
    actor: str
    recorded_at: datetime
    prev_hash: bytes
    hash: bytes

    def document(self) -> dict[str, Any]:
        """The JSON document whose canonical form is hashed."""
        return event_document(
            self.project_id,
            self.seq,
            self.type,
            self.version,
            self.body,
            self.actor,
            self.recorded_at,
        )


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The outcome of recomputing a chain: ``broken_seq`` is the first bad index."""

    checked: int
    head_hash: bytes
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def event_document(
    project_id: int,
    seq: int,
    type_: str,
    version: int,
    body: dict[str, Any],
    actor: str,
    at: datetime,
) -> dict[str, Any]:
    """The hashed form of an event."""
    return {
        "project_id": project_id,
        "seq": seq,
        "type": type_,
        "v": version,
        "body": body,
        "actor": actor,
        "recorded_at": timestamp(at),
    }


def chain_hash(prev_hash: bytes, document: dict[str, Any]) -> bytes:
    """``SHA-256(prev_hash || canonical_json(document))``."""
    return sha256(prev_hash + canonical_json(document))


def leaf_hash(document: dict[str, Any]) -> bytes:
    """RFC 6962 leaf hash of an event: ``SHA-256(0x00 || canonical_json(document))``."""
    return sha256(b"\x00" + canonical_json(document))


class ChainChecker:
    """Recomputes a chain event by event, so a long journal is checked in flat memory;
    it starts from the genesis or resumes after a verified event (``after_seq``, whose
    hash is ``running``)."""

    def __init__(self, after_seq: int = 0, running: bytes = GENESIS_HASH) -> None:
        self.expected_seq = after_seq + 1
        self.running = running
        self.failure: ChainCheck | None = None

    def feed(self, event: JournalEvent) -> bool:
        """Check the next event; False once the chain is broken."""
        if self.failure is not None:
            return False
        problem = _problem(event, self.expected_seq, self.running)
        if problem:
            self.failure = ChainCheck(
                self.expected_seq - 1, self.running, self.expected_seq, problem
            )
            return False
        self.running = event.hash
        self.expected_seq += 1
        return True

    def finish(self, head: tuple[int, bytes] | None = None) -> ChainCheck:
        """The verdict, compared with the recorded head when one is given."""
        if self.failure is not None:
            return self.failure
        checked = self.expected_seq - 1
        if head is not None:
            head_seq, head_hash = head
            if head_seq > checked:
                return ChainCheck(
                    checked, self.running, checked + 1, "event missing before the head"
                )
            if head_seq < checked or head_hash != self.running:
                return ChainCheck(
                    checked, self.running, checked, "last event differs from the head"
                )
        return ChainCheck(checked, self.running)


def check_chain(
    events: Iterable[JournalEvent], head: tuple[int, bytes] | None = None
) -> ChainCheck:
    """Recompute a chain from seq 1; name the first event that does not verify."""
    checker = ChainChecker()
    for event in events:
        if not checker.feed(event):
            break
    return checker.finish(head)


def _problem(event: JournalEvent, expected_seq: int, running: bytes) -> str:
    if event.seq != expected_seq:
        return f"expected event {expected_seq}, found {event.seq} (missing or reordered)"
    if event.prev_hash != running:
        return "prev_hash does not match the previous event's hash"
    if chain_hash(running, event.document()) != event.hash:
        return "hash does not match the event's content"
    return ""


_LOCK_HEAD = """
SELECT seq, hash, clock_timestamp() AS now FROM journal_heads
WHERE project_id = $1 FOR UPDATE
"""
# Read once the head is locked (so the event it names is committed): they must agree.
_LAST_HASH = "SELECT hash FROM journal_events WHERE project_id = $1 AND seq = $2"
# Moves the head and, when the chain was verified through the head the events chain
# from, the verified checkpoint with it (``ledger.journal.checkpoints``).
_INSERT_EVENTS = """
WITH moved AS (
    UPDATE journal_heads
    SET seq = ($2::bigint[])[cardinality($2::bigint[])], hash = ($8::bytea[])[cardinality($8::bytea[])]
    WHERE project_id = $1
), checked AS (
    UPDATE journal_checkpoints
    SET seq = ($2::bigint[])[cardinality($2::bigint[])], hash = ($8::bytea[])[cardinality($8::bytea[])],
        checked_at = $6
    WHERE project_id = $1 AND seq = ($2::bigint[])[1] - 1 AND hash = ($7::bytea[])[1]
        AND broken_seq IS NULL
)
INSERT INTO journal_events
    (project_id, seq, type, version, body, actor, recorded_at, prev_hash, hash)
SELECT $1, u.seq, u.type, u.version, u.body, u.actor, $6, u.prev_hash, u.hash
FROM unnest($2::bigint[], $3::text[], $4::jsonb[], $5::text[], $7::bytea[], $8::bytea[],
            $9::smallint[])
    AS u(seq, type, body, actor, prev_hash, hash, version)
"""
_HEAD = "SELECT seq, hash FROM journal_heads WHERE project_id = $1"
_EVENTS_FROM = """
SELECT project_id, seq, type, version, body, actor, recorded_at, prev_hash, hash
FROM journal_events WHERE project_id = $1 AND seq > $2 ORDER BY seq
"""
_PAGE = """
SELECT project_id, seq, type, version, body, actor, recorded_at, prev_hash, hash
FROM journal_events WHERE project_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
"""


async def start_chain(conn: asyncpg.Connection, project_id: int) -> None:
    """Create the empty head of a new project's chain (verified through its 0 events)."""
    await conn.execute(
        "INSERT INTO journal_heads (project_id, seq, hash) VALUES ($1, 0, $2)",
        project_id,
        GENESIS_HASH,
    )
    await conn.execute(
        "INSERT INTO journal_checkpoints (project_id, seq, hash) VALUES ($1, 0, $2)",
        project_id,
        GENESIS_HASH,
    )


async def append_event(
    conn: asyncpg.Connection, project_id: int, event: Event, actor: str
) -> JournalEvent:
    """Append one event in the caller's transaction; serialised per project."""
    return (await append_events(conn, project_id, [(event, actor)]))[0]


async def append_events(
    conn: asyncpg.Connection, project_id: int, events: Sequence[tuple[Event, str]]
) -> list[JournalEvent]:
    """Append several events (each with its actor) under one head lock, in one statement;
    each is journaled under its type's name with ``encode(event)`` as its body.
    InvalidInput when a body holds an email or IP address (the journal is permanent);
    refused (``journal_broken``) when the head does not name the last stored event."""
    bodies = [encode(event) for event, _ in events]
    for (event, _), body in zip(events, bodies, strict=True):
        refuse_personal(body, event.TYPE)
    head = await conn.fetchrow(_LOCK_HEAD, project_id)
    if head is None:
        raise NotFound(f"project {project_id} has no journal")
    seq, prev, now = head["seq"], bytes(head["hash"]), head["now"]
    last = await conn.fetchval(_LAST_HASH, project_id, seq) if seq > 0 else prev
    if last is None or bytes(last) != prev:
        raise Conflict(
            f"the journal's head does not match its event {seq}; nothing more is appended "
            "until an operator rechecks it (commons verify --project)",
            ConflictCode.JOURNAL_BROKEN,
        )
    written: list[JournalEvent] = []
    for (event, actor), body in zip(events, bodies, strict=True):
        seq += 1
        type_, version = event.TYPE, event.VERSION
        document = event_document(project_id, seq, type_, version, body, actor, now)
        digest = chain_hash(prev, document)
        written.append(
            JournalEvent(project_id, seq, type_, version, body, actor, now, prev, digest)
        )
        prev = digest
    if written:
        await conn.execute(
            _INSERT_EVENTS,
            project_id,
            [e.seq for e in written],
            [e.type for e in written],
            [e.body for e in written],
            [e.actor for e in written],
            now,
            [e.prev_hash for e in written],
            [e.hash for e in written],
            [e.version for e in written],
        )
    return written


def _event(row: asyncpg.Record) -> JournalEvent:
    return JournalEvent(
        row["project_id"],
        row["seq"],
        row["type"],
        row["version"],
        row["body"],
        row["actor"],
        row["recorded_at"],
        bytes(row["prev_hash"]),
        bytes(row["hash"]),
    )


async def head(conn: asyncpg.Connection, project_id: int) -> tuple[int, bytes]:
    """The chain's length and last hash."""
    row = await conn.fetchrow(_HEAD, project_id)
    if row is None:
        raise NotFound(f"project {project_id} has no journal")
    return row["seq"], bytes(row["hash"])


async def page(
    conn: asyncpg.Connection, project_id: int, after_seq: int, limit: int
) -> list[JournalEvent]:
    """Events after ``after_seq`` in order, at most ``limit`` (keyset paging)."""
    return [_event(r) for r in await conn.fetch(_PAGE, project_id, after_seq, limit)]


async def stream(
    conn: asyncpg.Connection, project_id: int, after_seq: int = 0
) -> AsyncIterator[JournalEvent]:
    """Every event after ``after_seq``, read by cursor (needs a transaction)."""
    async for row in conn.cursor(_EVENTS_FROM, project_id, after_seq, prefetch=5000):
        yield _event(row)


async def verify(conn: asyncpg.Connection, project_id: int) -> ChainCheck:
    """Recompute the whole chain from the database and compare it with its head."""
    checker = ChainChecker()
    async with conn.transaction(readonly=True, isolation="repeatable_read"):
        recorded_head = await head(conn, project_id)
        async for event in stream(conn, project_id):
            if not checker.feed(event):
                break
    return checker.finish(recorded_head)
