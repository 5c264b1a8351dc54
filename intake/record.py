"""Recording activities as contributions, exactly once per natural key, with the
sign-offs of newly recorded commits handed to the DCO register.

Shared by the webhook worker and the git backfill: a commit seen both ways (push
delivery and history import) has one natural key (``git:<sha>``) and is counted once,
whichever arrives first.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from intake.identity import resolve
from intake.payload import Activity
from ledger.register.bulk import bulk_load
from ledger.register.contributions import by_natural_keys, record_contributions
from ledger.register.models import NewContribution
from licenses.dco import record_signoffs

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
) -> int:
    """Record the activities not yet recorded (caller's transaction); how many were new.

    ``bulk`` (history imports) holds the project's journal head from the start, so
    the keys found new stay new, and loads them by COPY.
    """
    fresh: dict[str, Activity] = {}
    for activity in activities:
        fresh.setdefault(activity.natural_key, activity)
    if bulk:
        await conn.execute(_LOCK_HEAD, project_id)
    for key in await known_keys(conn, project_id, list(fresh)):
        del fresh[key]
    if not fresh:
        return 0
    owners = await resolve(conn, project_id, [a.actor for a in fresh.values()], actor)
    items = [
        NewContribution(
            contributor_id=owners[a.actor.key],
            kind=a.kind,
            occurred_at=a.occurred_at,
            source=source,
            natural_key=a.natural_key,
            evidence_url=a.url,
            metadata=a.metadata,
        )
        for a in fresh.values()
    ]
    if bulk:
        created = await bulk_load(conn, project_id, items, actor, batch_size=len(items))
        signed_keys = [i.natural_key for i in items if i.metadata.get("signoffs")]
        signed = await by_natural_keys(conn, project_id, signed_keys)
    else:
        recorded = await record_contributions(conn, project_id, items, actor)
        made = [r.contribution for r in recorded if r.created]
        created = len(made)
        signed = [c for c in made if c.metadata.get("signoffs")]
    if signed:
        await record_signoffs(conn, project_id, signed, actor)
    return created
