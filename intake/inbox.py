"""The webhook inbox: store a verified delivery in one statement, claim deliveries for
a worker (``FOR UPDATE SKIP LOCKED``), settle them (done, ignored with a reason, retry
with backoff, dead letter) and replay settled ones (dead, ignored or done: recording
is idempotent, so a corrected mapping can be run over old deliveries).

Channel ``commons_inbox`` is notified when a pending delivery is committed, so
idle workers wake at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.intake import DeliveryReplayed
from ledger.kernel.errors import Conflict, ConflictCode, NotFound

CHANNEL = "commons_inbox"

_STORE_MANY = f"""
WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[],
        $6::text[], $7::bytea[], $8::text[], $9::int[])
        AS u(project_id, forge, secret_id, event, delivery_key, headers, body, reason, ord)
), active AS (
    SELECT i.* FROM input i WHERE EXISTS (
        SELECT 1 FROM forge_secrets s WHERE s.project_id = i.project_id AND s.forge = i.forge
            AND s.id = i.secret_id AND s.retired_at IS NULL)
), ins AS (
    INSERT INTO webhook_inbox (project_id, forge, event, delivery_key, headers, body, status,
        ignored_reason)
    SELECT project_id, forge, event, delivery_key, headers::jsonb, body,
        CASE WHEN reason IS NULL THEN 'pending' ELSE 'ignored' END, reason
    FROM active ORDER BY ord
    ON CONFLICT (project_id, forge, delivery_key) DO NOTHING
    RETURNING project_id, forge, delivery_key, id, status
), woke AS (
    SELECT pg_notify('{CHANNEL}', '') FROM (SELECT 1 FROM ins WHERE status = 'pending' LIMIT 1) n
)
SELECT a.ord, ins.id, (SELECT count(*) FROM woke) AS woke
FROM active a LEFT JOIN ins USING (project_id, forge, delivery_key)
"""
_CLAIM = """
SELECT project_id, id, forge, event, delivery_key, headers, body, attempts, received_at
FROM webhook_inbox
WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
ORDER BY next_attempt_at, project_id, id
LIMIT 1 FOR UPDATE SKIP LOCKED
"""
_DONE = """
UPDATE webhook_inbox SET status = CASE WHEN $5::text IS NULL THEN 'done' ELSE 'ignored' END,
    ignored_reason = $5, processed_at = clock_timestamp(), processed_by = $3,
    handled = handled + 1, last_error = NULL, truncated = $4
WHERE project_id = $1 AND id = $2
"""
_FAIL = """
UPDATE webhook_inbox SET attempts = attempts + 1, last_error = $3,
    next_attempt_at = clock_timestamp() + make_interval(secs => $4),
    status = CASE WHEN attempts + 1 >= $5 THEN 'dead' ELSE 'pending' END
WHERE project_id = $1 AND id = $2
RETURNING status, attempts
"""
_BURY = """
INSERT INTO webhook_dead_letters (project_id, inbox_id, attempts, error) VALUES ($1, $2, $3, $4)
"""
_REPLAY = f"""
WITH up AS (
    UPDATE webhook_inbox SET status = 'pending', attempts = 0,
        next_attempt_at = clock_timestamp(), last_error = NULL, ignored_reason = NULL
    WHERE project_id = $1 AND id = $2 AND status IN ('dead', 'ignored', 'done')
        AND purged_at IS NULL
    RETURNING id, forge, event
), letters AS (
    UPDATE webhook_dead_letters SET replayed_at = clock_timestamp(), replayed_by = $3
    WHERE project_id = $1 AND inbox_id = $2 AND replayed_at IS NULL AND EXISTS (SELECT 1 FROM up)
)
SELECT up.id, up.forge, up.event, pg_notify('{CHANNEL}', '') FROM up
"""
_STATUS = """
SELECT status, purged_at IS NOT NULL AS purged FROM webhook_inbox WHERE project_id = $1 AND id = $2
"""
_DEAD = """
SELECT d.inbox_id, i.forge, i.event, i.delivery_key, d.attempts, d.error, d.died_at
FROM webhook_dead_letters d JOIN webhook_inbox i ON i.project_id = d.project_id AND i.id = d.inbox_id
WHERE d.project_id = $1 AND d.replayed_at IS NULL AND i.status = 'dead'
ORDER BY d.died_at, d.inbox_id
"""


_IGNORED = """
SELECT id FROM webhook_inbox
WHERE project_id = $1 AND status = 'ignored' AND ($2::text IS NULL OR ignored_reason = $2)
ORDER BY id
"""
_TRUNCATED = """
SELECT id, forge, delivery_key, received_at FROM webhook_inbox
WHERE project_id = $1 AND truncated ORDER BY id DESC LIMIT $2
"""


@dataclass(frozen=True, slots=True)
class Stored:
    """The outcome of storing: ``id`` of the new row; None with ``active`` for a duplicate."""

    active: bool
    id: int | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed delivery, ready to process."""

    project_id: int
    id: int
    forge: str
    event: str
    delivery_key: str
    headers: dict[str, str]
    body: bytes
    attempts: int
    received_at: datetime


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A delivery that failed every attempt, with its last error."""

    inbox_id: int
    forge: str
    event: str
    delivery_key: str
    attempts: int
    error: str
    died_at: datetime


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A verified delivery waiting to be stored; pending, or ignored for ``reason``."""

    project_id: int
    forge: str
    secret_id: int
    event: str
    key: str
    headers: dict[str, str]
    body: bytes
    reason: str | None = None


async def store_many(
    conn: asyncpg.Connection | asyncpg.Pool, deliveries: list[NewDelivery]
) -> list[Stored]:
    """Store several deliveries in one statement (one commit); each is stored only
    while its connection's secret is active."""
    rows = await conn.fetch(
        _STORE_MANY,
        [d.project_id for d in deliveries],
        [d.forge for d in deliveries],
        [d.secret_id for d in deliveries],
        [d.event for d in deliveries],
        [d.key for d in deliveries],
        [json.dumps(d.headers) for d in deliveries],
        [d.body for d in deliveries],
        [d.reason for d in deliveries],
        list(range(len(deliveries))),
    )
    ids = {r["ord"]: r["id"] for r in rows}
    results: list[Stored] = []
    claimed: set[int] = set()
    for ord_ in range(len(deliveries)):
        if ord_ not in ids:
            results.append(Stored(False, None))
            continue
        new_id = ids[ord_]
        first = new_id is not None and new_id not in claimed
        if first:
            claimed.add(new_id)
        results.append(Stored(True, new_id if first else None))
    return results


async def claim(conn: asyncpg.Connection) -> Delivery | None:
    """Lock the next due pending delivery (caller's transaction), skipping locked ones."""
    row = await conn.fetchrow(_CLAIM)
    if row is None:
        return None
    return Delivery(
        row["project_id"],
        row["id"],
        row["forge"],
        row["event"],
        row["delivery_key"],
        row["headers"],
        bytes(row["body"]),
        row["attempts"],
        row["received_at"],
    )


async def mark_done(
    conn: asyncpg.Connection,
    delivery: Delivery,
    worker: str,
    truncated: bool,
    ignored: str | None = None,
) -> None:
    """Settle a processed delivery: done, or ignored for the reason given."""
    await conn.execute(_DONE, delivery.project_id, delivery.id, worker, truncated, ignored)


async def mark_failed(
    conn: asyncpg.Connection,
    delivery: Delivery,
    error: str,
    backoff_seconds: float,
    max_attempts: int,
) -> str:
    """Count a failed attempt; after ``max_attempts`` the delivery becomes a dead letter.

    Returns the new status (``pending`` or ``dead``).
    """
    row = await conn.fetchrow(
        _FAIL, delivery.project_id, delivery.id, error[:4000], backoff_seconds, max_attempts
    )
    if row["status"] == "dead":
        await conn.execute(_BURY, delivery.project_id, delivery.id, row["attempts"], error[:4000])
    return str(row["status"])


async def replay(conn: asyncpg.Connection, project_id: int, inbox_id: int, actor: str) -> None:
    """Make a settled delivery (dead, ignored or done) pending again and journal the
    replay; a pending one is refused (it is due already), and so is one whose payload
    was purged."""
    row = await conn.fetchrow(_REPLAY, project_id, inbox_id, actor)
    if row is None:
        found = await conn.fetchrow(_STATUS, project_id, inbox_id)
        if found is None:
            raise NotFound(f"no delivery {inbox_id} in this project's inbox")
        state = "purged" if found["purged"] else found["status"]
        raise Conflict(
            f"delivery {inbox_id} is {state}; only settled ones with their payload replay",
            ConflictCode.NOT_REPLAYABLE,
        )
    event = DeliveryReplayed(delivery_id=inbox_id, forge=row["forge"], event=row["event"])
    await append_event(conn, project_id, event, actor)


async def dead_letters(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> list[DeadLetter]:
    """The project's dead letters not yet replayed, oldest first."""
    return [
        DeadLetter(
            r["inbox_id"],
            r["forge"],
            r["event"],
            r["delivery_key"],
            r["attempts"],
            r["error"],
            r["died_at"],
        )
        for r in await conn.fetch(_DEAD, project_id)
    ]


async def ignored_deliveries(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, reason: str | None = None
) -> list[int]:
    """The ids of the project's ignored deliveries (for one reason, or all), oldest first."""
    return [r["id"] for r in await conn.fetch(_IGNORED, project_id, reason)]


async def truncated_pushes(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, limit: int = 100
) -> list[tuple[int, str, str, datetime]]:
    """Pushes the forge listed only in part (newest first): run a backfill for them."""
    rows = await conn.fetch(_TRUNCATED, project_id, limit)
    return [(r["id"], r["forge"], r["delivery_key"], r["received_at"]) for r in rows]
