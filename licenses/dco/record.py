"""Recording the DCO grants that new contributions' sign-offs earn, and recomputing
them after identities were merged or unmerged."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from licenses.dco.settle import GrantWriter, settle, settled
from licenses.dco.work import (
    Signed,
    commit_of,
    stored_grants,
    wanted_pairs,
    work_of,
)

_SIGNED_WORK = """
SELECT id, contributor_id, occurred_at, metadata FROM contributions
WHERE project_id = $1 AND contributor_id = any($2::bigint[]) AND metadata ? 'signoffs'
"""
_BY_IDS = """
SELECT id, contributor_id, occurred_at, metadata FROM contributions
WHERE project_id = $1 AND id = any($2::bigint[])
"""


async def record_signoffs(
    conn: asyncpg.Connection,
    project_id: int,
    work: Sequence[Signed],
    actor: str,
) -> int:
    """Turn the sign-offs newly recorded contributions carry into DCO grants of their
    signers' own work (caller's transaction); how many grants were new. A history
    import's batches go through ``bulk`` instead."""
    writer = await settled(conn, project_id, work, actor)
    return 0 if writer is None else await writer.write()


async def reconcile(
    conn: asyncpg.Connection, project_id: int, contributor_ids: Sequence[int], actor: str
) -> int:
    """Recompute the DCO grants of these contributors' signed work in the project after
    their identities were merged or unmerged (caller's transaction); grants recorded."""
    rows = await conn.fetch(_SIGNED_WORK, project_id, list(contributor_ids))
    signed: list[Signed] = [w for w in map(work_of, rows) if commit_of(w)]
    if not signed:
        return 0
    wanted = await wanted_pairs(conn, signed)
    shas = {sha for c in signed if (sha := commit_of(c))}
    stored = await stored_grants(conn, project_id, shas)
    seen = {c.id for c in signed}
    by_id = {c.id: c for c in signed}
    outside = {i for items in stored.values() for g in items for i in g.linked} - seen
    if outside:  # work a standing grant covers beyond these contributors keeps its cover
        for row in await conn.fetch(_BY_IDS, project_id, sorted(outside)):
            by_id[row["id"]] = work_of(row)
    writer = GrantWriter(conn, project_id, actor)
    for pair in sorted(set(wanted) | set(stored)):
        settle(writer, pair, wanted.get(pair, []), stored.get(pair, []), seen, by_id)
    return await writer.write()
