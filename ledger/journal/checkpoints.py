"""How far each project's chain is verified: one checkpoint row per project.

The checkpoint is ``(seq, hash)``: events 1..seq were recomputed and ``hash`` is the
running hash the next event must chain from. It moves three ways:

- an append (``chain.append_events``) moves it with the head when it was at the head:
  the appender checked that the head names the last stored event and computed the new
  hashes itself, so the chain through the new head is verified by construction;
- ``advance`` (the background checker) rehashes at most ``batch`` events past it
  (loads that move the head directly, such as ``register.bulk``), claiming the row with
  ``FOR UPDATE SKIP LOCKED`` so that processes sharing a database never do the same work;
- ``recheck`` (admins, ``commons verify --project``) recomputes the whole chain and
  records the verdict.

The first event found not to verify is kept (``broken_seq``, ``reason``); the checkpoint
then stays before it. ``status`` answers in O(1) from the row and the head.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from ledger.journal.canonical import GENESIS_HASH
from ledger.journal.chain import ChainCheck, ChainChecker, head, page, verify
from ledger.journal.checker import Check
from ledger.kernel.errors import NotFound

BATCH = 20_000
CHUNK = 1_000

_STATUS = """
SELECT h.project_id, h.seq AS length, coalesce(c.seq, 0) AS seq, coalesce(c.hash, $2) AS hash,
       c.checked_at, c.broken_seq, coalesce(c.reason, '') AS reason
FROM journal_heads h LEFT JOIN journal_checkpoints c ON c.project_id = h.project_id
WHERE h.project_id = any($1::bigint[])
"""
_ENSURE = """
INSERT INTO journal_checkpoints (project_id, seq, hash) VALUES ($1, 0, $2)
ON CONFLICT (project_id) DO NOTHING
"""
_LAGGING = """
SELECT h.project_id FROM journal_heads h
LEFT JOIN journal_checkpoints c ON c.project_id = h.project_id
WHERE c.project_id IS NULL OR (c.seq < h.seq AND c.broken_seq IS NULL)
ORDER BY h.project_id
"""
_CLAIM = """
SELECT seq, hash FROM journal_checkpoints
WHERE project_id = $1 AND broken_seq IS NULL FOR UPDATE SKIP LOCKED
"""
_LOCK = "SELECT seq FROM journal_checkpoints WHERE project_id = $1 FOR UPDATE"
_RECORD = """
UPDATE journal_checkpoints
SET seq = $2, hash = $3, broken_seq = $4, reason = $5, checked_at = clock_timestamp()
WHERE project_id = $1
"""


@dataclass(frozen=True, slots=True)
class Status:
    """What is known of a chain without rereading it: ``checked`` events verified from
    the first (never the broken one), ``hash`` the running hash where checking stopped."""

    length: int
    checked: int
    hash: bytes
    checked_at: datetime | None
    broken_seq: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    @property
    def pending(self) -> int:
        """Events past the checkpoint not yet checked (0 once broken: none will be)."""
        return self.length - self.checked if self.ok else 0


async def status(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> Status:
    """The project's chain length and how far it is verified (two indexed rows)."""
    (found,) = await load_statuses(conn, [project_id])
    if found is None:
        raise NotFound(f"project {project_id} has no journal")
    return found


async def load_statuses(
    conn: asyncpg.Connection | asyncpg.Pool, project_ids: list[int]
) -> list[Status | None]:
    """Batch ``status`` in key order (None for a project without a journal)."""
    rows = await conn.fetch(_STATUS, project_ids, GENESIS_HASH)
    found = {r["project_id"]: _status(r) for r in rows}
    return [found.get(i) for i in project_ids]


def _status(row: asyncpg.Record) -> Status:
    broken: int | None = row["broken_seq"]
    return Status(
        row["length"],
        row["seq"] if broken is None else min(row["seq"], broken - 1),
        bytes(row["hash"]),
        row["checked_at"],
        broken,
        row["reason"],
    )


async def lagging(conn: asyncpg.Connection | asyncpg.Pool) -> list[int]:
    """Projects whose checkpoint is behind their head (or missing) and not broken."""
    return [r["project_id"] for r in await conn.fetch(_LAGGING)]


async def advance(
    conn: asyncpg.Connection, project_id: int, batch: int = BATCH, chunk: int = CHUNK
) -> int:
    """Rehash at most ``batch`` events past the checkpoint and move it (or record the
    first break); the number of events looked at, 0 when another process holds it.
    Events are read ``chunk`` at a time, so the event loop is never held for long."""
    async with conn.transaction():
        await conn.execute(_ENSURE, project_id, GENESIS_HASH)
        claimed = await conn.fetchrow(_CLAIM, project_id)
        if claimed is None:
            return 0
        done, hashed = claimed["seq"], bytes(claimed["hash"])
        length, last = await head(conn, project_id)
        want = min(length - done, batch)
        if want <= 0:
            return 0
        checker = ChainChecker(done, hashed)
        after, looked, ended = done, 0, False
        while looked < want and checker.failure is None:
            asked = min(chunk, want - looked)
            events = await page(conn, project_id, after, asked)
            for event in events:
                if not checker.feed(event):
                    break
            looked += len(events)
            if len(events) < asked:
                ended = True  # the stored chain ends before the head says it does
                break
            after = events[-1].seq
        reached = ended or checker.expected_seq > length
        await _record(conn, project_id, checker.finish((length, last) if reached else None))
        return looked


async def recheck(conn: asyncpg.Connection, project_id: int) -> ChainCheck:
    """Recompute the whole chain now and record the verdict (an admin's full check)."""
    result = await verify(conn, project_id)
    async with conn.transaction():
        await conn.execute(_ENSURE, project_id, GENESIS_HASH)
        current = await conn.fetchval(_LOCK, project_id)
        if result.ok and current is not None and current > result.checked:
            return result  # checked further meanwhile (past this snapshot): keep that
        await _record(conn, project_id, result)
    return result


async def _record(conn: asyncpg.Connection, project_id: int, result: ChainCheck) -> None:
    await conn.execute(
        _RECORD,
        project_id,
        result.checked,
        result.head_hash,
        result.broken_seq,
        result.reason,
    )


CHECK = Check("journal", lagging, advance)
"""The chain's step for the background checker."""
