"""Recording activities as contributions, exactly once per natural key, with the
sign-offs of newly recorded commits handed to the DCO register (``licenses.dco``).

Shared by the webhook worker and the git backfill: a commit seen both ways (push
delivery and history import) has one natural key (``git:<sha>``) and is counted once,
whichever arrives first. A commit's co-authors and signers are resolved to
contributors with its author and recorded in its metadata by number
(``co_authors``, ``signoffs``; a co-author's contribution carries the commit's
``signoffs`` too): no email or name is stored with a contribution.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from intake.identity import resolve
from intake.payload import Activity
from ledger.register.bulk import bulk_load
from ledger.register.bulk.encode import Cursor
from ledger.register.bulk.write import reserve_numbers
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution
from licenses.dco import Encoded, Signed, Work, prepare_signoffs, record_signoffs

_LOCK_HEAD = "SELECT 1 FROM journal_heads WHERE project_id = $1 FOR UPDATE"
_KNOWN = """
SELECT natural_key FROM contributions WHERE project_id = $1 AND natural_key = any($2::text[])
"""


async def known_keys(conn: asyncpg.Connection, project_id: int, keys: Sequence[str]) -> set[str]:
    """The natural keys among ``keys`` already recorded in the project."""
    if not keys:
        return set()
    return {r["natural_key"] for r in await conn.fetch(_KNOWN, project_id, list(keys))}


async def record_activities(
    conn: asyncpg.Connection,
    project_id: int,
    activities: Sequence[Activity],
    source: str,
    actor: str,
    *,
    bulk: bool = False,
    known: set[str] | None = None,
) -> int:
    """Record the activities not yet recorded (caller's transaction); how many were new.

    ``bulk`` (history imports) holds the project's journal head from the start, so
    the keys found new stay new, and loads them by COPY; ``known`` receives the keys
    that were recorded already.
    """
    fresh: dict[str, Activity] = {}
    for activity in activities:
        fresh.setdefault(activity.natural_key, activity)
    if bulk:
        await conn.execute(_LOCK_HEAD, project_id)
    for key in await known_keys(conn, project_id, list(fresh)):
        del fresh[key]
        if known is not None:
            known.add(key)
    if not fresh:
        return 0
    # A history's activities share a few thousand actor objects: each is resolved once.
    people = list(
        {id(p): p for a in fresh.values() for p in (a.actor, *a.co_authors, *a.signoffs)}.values()
    )
    owners = await resolve(conn, project_id, people, actor)
    numbers = {id(p): owners[p.key] for p in people}
    items = [
        NewContribution(
            contributor_id=numbers[id(a.actor)],
            kind=a.kind,
            occurred_at=a.occurred_at,
            source=source,
            natural_key=a.natural_key,
            evidence_url=a.url,
            metadata=_metadata(a, numbers),
            counted=a.counted,
        )
        for a in fresh.values()
    ]
    if bulk:
        return await _load(conn, project_id, items, actor)
    recorded = await record_contributions(conn, project_id, items, actor)
    made = [r.contribution for r in recorded if r.created]
    signed: list[Signed] = [c for c in made if c.metadata.get("signoffs")]
    if signed:
        await record_signoffs(conn, project_id, signed, actor)
    return len(made)


async def _load(
    conn: asyncpg.Connection, project_id: int, items: list[NewContribution], actor: str
) -> int:
    """Load new contributions by COPY with the DCO grants their sign-offs earn: the
    grants are settled first, then encoded while the contributions are copied."""
    ids = await reserve_numbers(conn, len(items))
    signed = [
        Work(i, item.contributor_id, item.occurred_at, item.metadata)
        for i, item in zip(ids, items, strict=True)
        if item.metadata.get("signoffs")
    ]
    prepared = await prepare_signoffs(conn, project_id, signed, actor) if signed else None
    if prepared is None:
        return await bulk_load(conn, project_id, items, actor, batch_size=len(items), ids=ids)
    rows_in: asyncio.Future[tuple[Cursor, datetime]] = asyncio.get_running_loop().create_future()

    def rows_done(end: Cursor, now: datetime) -> None:  # one batch: called once
        rows_in.set_result((end, now))

    async def encode() -> Encoded:  # while the contributions' events are copied
        end, now = await rows_in
        return await prepared.encode(end, now)

    encoding = asyncio.ensure_future(encode())
    try:
        created = await bulk_load(
            conn, project_id, items, actor, batch_size=len(items), ids=ids, rows_done=rows_done
        )
        await prepared.write(conn, await encoding)
    finally:  # the task never outlives the load, nor leaves its error unread
        encoding.cancel()
        await asyncio.gather(encoding, return_exceptions=True)
    return created


def _metadata(activity: Activity, numbers: dict[int, int]) -> dict[str, Any]:
    """The activity's metadata with its trailers as contributor numbers (``numbers``:
    the contributor of each actor object, by ``id``; without trailers, the activity's own
    dict, which nothing changes once it is recorded)."""
    if not activity.co_authors and not activity.signoffs:
        return activity.metadata
    found = dict(activity.metadata)
    for name, people in (("co_authors", activity.co_authors), ("signoffs", activity.signoffs)):
        if people:
            found[name] = list(dict.fromkeys(numbers[id(p)] for p in people))
    return found
