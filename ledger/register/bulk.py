"""Bulk loading of new contributions with their journal events, by COPY.

For imports of a project's past (and benchmarks): the whole load holds the
project's journal head, so the chain stays single; contributions and events are
streamed in batches through COPY, rollups are folded in per batch. A natural key
that already exists fails the load as a whole (nothing is written) — use
``record_contributions`` for incremental, idempotent recording.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import islice

import asyncpg
import orjson

from ledger.journal.chain import chain_hash, event_document
from ledger.journal.events import encode
from ledger.kernel.errors import Conflict, ConflictCode, NotFound
from ledger.register.contributions import _event, _roll_up, _validate
from ledger.register.credit import CreditPolicy, current_policy
from ledger.register.models import Contribution, NewContribution
from ledger.register.projects import project_kinds

_CONTRIBUTION_COLUMNS = [
    "project_id", "id", "contributor_id", "kind", "occurred_at", "source", "natural_key",
    "evidence_url", "metadata", "credit", "policy_version", "counted", "recorded_at",
]  # fmt: skip
_EVENT_COLUMNS = [
    "project_id", "seq", "type", "body", "actor", "recorded_at", "prev_hash", "hash", "version",
]  # fmt: skip
_IDS = "SELECT nextval(pg_get_serial_sequence('contributions', 'id')) FROM generate_series(1, $1)"


def _batches(items: Iterable[NewContribution], size: int) -> Iterator[list[NewContribution]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _csv(rows: Iterable[Iterable[object]]) -> io.BytesIO:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return io.BytesIO(out.getvalue().encode())


async def _bots(conn: asyncpg.Connection, ids: set[int], known: dict[int, bool]) -> None:
    missing = [i for i in ids if i not in known]
    if not missing:
        return
    rows = await conn.fetch(
        "SELECT id, is_bot FROM contributors WHERE id = any($1::bigint[]) AND merged_into IS NULL",
        missing,
    )
    known.update({r["id"]: r["is_bot"] for r in rows})
    absent = set(missing) - known.keys()
    if absent:
        raise NotFound(f"no (unmerged) contributor {min(absent)}")


@dataclass(slots=True)
class _Chain:
    """What preparing a batch needs and advances: the journal head and the policy."""

    project_id: int
    seq: int
    prev: bytes
    now: datetime
    actor: str
    policy: CreditPolicy
    kinds: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Prepared:
    done: list[Contribution]
    contributions: io.BytesIO
    events: io.BytesIO


def _prepare(
    chain: _Chain, batch: list[NewContribution], ids: list[int], bots: dict[int, bool]
) -> _Prepared:
    """Validate, price and hash one batch (CPU only, so it overlaps the previous COPY)."""
    for item in batch:
        _validate(item, chain.kinds)
    done = [
        _contribution(chain.project_id, i, item, bots, chain.policy, chain.now)
        for i, item in zip(ids, batch, strict=True)
    ]
    events = []
    for c in done:
        chain.seq += 1
        event, who = _event(c), chain.actor
        type_, body = event.TYPE, encode(event)
        doc = event_document(
            chain.project_id, chain.seq, type_, event.VERSION, body, who, chain.now
        )
        digest = chain_hash(chain.prev, doc)
        events.append(
            (chain.project_id, chain.seq, type_, orjson.dumps(body).decode(), who, chain.now,
             _hex(chain.prev), _hex(digest), event.VERSION)
        )  # fmt: skip
        chain.prev = digest
    return _Prepared(done, _csv(_row(c) for c in done), _csv(events))


async def _reserve(
    conn: asyncpg.Connection, batch: list[NewContribution], bots: dict[int, bool]
) -> list[int]:
    """Look up the batch's contributors and draw its contribution ids."""
    await _bots(conn, {i.contributor_id for i in batch}, bots)
    return [r[0] for r in await conn.fetch(_IDS, len(batch))]


async def _write(conn: asyncpg.Connection, project_id: int, prepared: _Prepared) -> None:
    try:
        await conn.copy_to_table(
            "contributions",
            source=prepared.contributions,
            columns=_CONTRIBUTION_COLUMNS,
            format="csv",
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(
            "a natural key in the load is already recorded", ConflictCode.ALREADY_EXISTS
        ) from None
    await conn.copy_to_table(
        "journal_events", source=prepared.events, columns=_EVENT_COLUMNS, format="csv"
    )
    await _roll_up(conn, project_id, [c for c in prepared.done if c.counted])


async def bulk_load(
    conn: asyncpg.Connection,
    project_id: int,
    items: Iterable[NewContribution],
    actor: str,
    *,
    batch_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Load contributions that are all new, with one journal event each (caller's
    transaction); returns how many were loaded.

    Batches are pipelined: the next one is validated and hashed in a thread while the
    database writes the current one.
    """
    head = await conn.fetchrow(
        "SELECT seq, hash, clock_timestamp() AS now FROM journal_heads WHERE project_id = $1 FOR UPDATE",
        project_id,
    )
    if head is None:
        raise NotFound(f"project {project_id} has no journal")
    chain = _Chain(
        project_id,
        head["seq"],
        bytes(head["hash"]),
        head["now"],
        actor,
        await current_policy(conn, project_id),
        await project_kinds(conn, project_id),
    )
    bots: dict[int, bool] = {}
    batches = _batches(items, batch_size)
    batch = next(batches, None)
    ready = _prepare(chain, batch, await _reserve(conn, batch, bots), bots) if batch else None
    loaded = 0
    while ready is not None:
        batch = next(batches, None)
        following = None
        if batch is not None:
            ids = await _reserve(conn, batch, bots)
            following = asyncio.ensure_future(asyncio.to_thread(_prepare, chain, batch, ids, bots))
        try:
            await _write(conn, project_id, ready)
        finally:
            if following is not None and not following.done():
                await asyncio.wait([following])
        loaded += len(ready.done)
        if progress:
            progress(len(ready.done))
        ready = await following if following is not None else None
    await conn.execute(
        "UPDATE journal_heads SET seq = $2, hash = $3 WHERE project_id = $1",
        project_id,
        chain.seq,
        chain.prev,
    )
    return loaded


def _hex(digest: bytes) -> str:
    return "\\x" + digest.hex()


def _contribution(
    project_id: int,
    id_: int,
    item: NewContribution,
    bots: dict[int, bool],
    policy: CreditPolicy,
    now: datetime,
) -> Contribution:
    counted = item.counted and not bots[item.contributor_id]
    weight = policy.weight(item.kind) if counted else Decimal(0)
    return Contribution(
        project_id, id_, item.contributor_id, item.kind, item.occurred_at, item.source,
        item.natural_key, item.evidence_url, item.metadata, weight.quantize(Decimal("0.0001")),
        policy.version, counted, now,
    )  # fmt: skip


def _row(c: Contribution) -> tuple[object, ...]:
    return (
        c.project_id, c.id, c.contributor_id, c.kind, c.occurred_at.isoformat(), c.source,
        c.natural_key, c.evidence_url, orjson.dumps(c.metadata).decode(), c.credit, c.policy_version,
        "t" if c.counted else "f", c.recorded_at.isoformat(),
    )  # fmt: skip
