"""Merging and unmerging contributors (the suggestions maintainers decide on are in
``intake.suggestions``).

A merge moves the source's identities, contributions and merged children to the
target and records exactly what moved, so an unmerge puts back exactly that. Both
rebuild the affected rollup rows and recompute the DCO grants that depend on who is
whom (``licenses.dco.reconcile``) in the same transaction, and journal one event in
every project whose contributions changed hands. Where a project's journal holds no
event of the merge (a merge recorded without one: the splits of migration 0018), the
unmerge's event lists the contributions that went back, so that the journal alone
says who holds them.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from msgspec import UNSET

from ledger.journal.chain import append_event
from ledger.journal.events import Event, decode
from ledger.journal.events.intake import ContributorsMerged, ContributorsUnmerged
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput, NotFound
from licenses import dco

_LOCK = (
    "SELECT id, merged_into FROM contributors WHERE id = any($1::bigint[]) ORDER BY id FOR UPDATE"
)
_PROJECTS = """
SELECT DISTINCT c.project_id, p.slug FROM contributions c JOIN projects p ON p.id = c.project_id
WHERE c.contributor_id = any($1::bigint[]) ORDER BY c.project_id
"""
_MOVE_CONTRIBUTIONS = """
WITH moved AS (
    UPDATE contributions SET contributor_id = $2 WHERE contributor_id = $1
    RETURNING project_id, id
)
SELECT project_id, array_agg(id ORDER BY id) AS ids FROM moved GROUP BY project_id
"""
_MOVE_IDENTITIES = (
    "UPDATE identities SET contributor_id = $2 WHERE contributor_id = $1 RETURNING id"
)
_MOVE_CHILDREN = "UPDATE contributors SET merged_into = $2 WHERE merged_into = $1 RETURNING id"
_RECORD = """
INSERT INTO contributor_merges (source_id, target_id, previous_parent, moved_identities,
    moved_children, moved_contributions, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
"""
_OPEN_MERGE = """
SELECT id, source_id, target_id, previous_parent, moved_identities, moved_children,
    moved_contributions FROM contributor_merges WHERE id = $1 AND unmerged_at IS NULL FOR UPDATE
"""
_RESTORE_CONTRIBUTIONS = """
UPDATE contributions SET contributor_id = $3
WHERE project_id = $1 AND id = any($2::bigint[]) AND contributor_id = $4
RETURNING id
"""
_MERGE_EVENTS = """
SELECT project_id, version, body FROM journal_events
WHERE project_id = any($1::bigint[]) AND type = $2
"""
_DROP_PEOPLE = (
    "DELETE FROM contributor_stats WHERE project_id = $1 AND contributor_id = any($2::bigint[])"
)
_ROLL_PEOPLE = """
INSERT INTO contributor_stats (project_id, contributor_id, contributions, credit, first_at, last_at)
SELECT project_id, contributor_id, count(*), sum(credit), min(occurred_at), max(occurred_at)
FROM contributions WHERE project_id = $1 AND contributor_id = any($2::bigint[]) AND counted
GROUP BY project_id, contributor_id
"""
_DROP_MONTHS = """
DELETE FROM contributor_month_stats WHERE project_id = $1 AND contributor_id = any($2::bigint[])
"""
_ROLL_MONTHS = """
INSERT INTO contributor_month_stats (project_id, contributor_id, month, contributions, credit)
SELECT project_id, contributor_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date,
    count(*), sum(credit)
FROM contributions WHERE project_id = $1 AND contributor_id = any($2::bigint[]) AND counted
GROUP BY 1, 2, 3
"""
_DROP_KINDS = """
DELETE FROM contributor_kind_stats WHERE project_id = $1 AND contributor_id = any($2::bigint[])
"""
_ROLL_KINDS = """
INSERT INTO contributor_kind_stats (project_id, contributor_id, month, kind, policy_version,
    contributions, credit)
SELECT project_id, contributor_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date,
    kind, policy_version, count(*), sum(credit)
FROM contributions WHERE project_id = $1 AND contributor_id = any($2::bigint[]) AND counted
GROUP BY 1, 2, 3, 4, 5
"""
_ROLL_PROJECT_MONTHS = """
INSERT INTO project_month_stats AS m (project_id, month, contributions, credit, contributors)
SELECT project_id, month, sum(contributions), sum(credit), count(*) FROM contributor_month_stats
WHERE project_id = $1 AND month = any($2::date[]) GROUP BY 1, 2
ON CONFLICT (project_id, month) DO UPDATE SET contributors = excluded.contributors
"""
_MONTHS_OF = """
SELECT DISTINCT month FROM contributor_month_stats
WHERE project_id = $1 AND contributor_id = any($2::bigint[])
"""
_ROLL_PROJECT = """
UPDATE project_stats SET contributors = (
    SELECT count(*) FROM contributor_stats WHERE project_id = $1
) WHERE project_id = $1
"""


async def affected_projects(
    conn: asyncpg.Connection | asyncpg.Pool, contributor_ids: Sequence[int]
) -> list[tuple[int, str]]:
    """(id, slug) of every project holding contributions of these contributors."""
    rows = await conn.fetch(_PROJECTS, list(contributor_ids))
    return [(r["project_id"], r["slug"]) for r in rows]


async def rebuild_rollups(
    conn: asyncpg.Connection, project_id: int, contributor_ids: Sequence[int]
) -> None:
    """Recompute the per-contributor rollups of these contributors from their contributions."""
    ids = list(contributor_ids)
    months = {r["month"] for r in await conn.fetch(_MONTHS_OF, project_id, ids)}
    rollups = (_DROP_PEOPLE, _ROLL_PEOPLE, _DROP_MONTHS, _ROLL_MONTHS, _DROP_KINDS, _ROLL_KINDS)
    for statement in rollups:
        await conn.execute(statement, project_id, ids)
    months |= {r["month"] for r in await conn.fetch(_MONTHS_OF, project_id, ids)}
    # A merge moves work between people, never in or out of a month: only the month's
    # count of people changes.
    await conn.execute(_ROLL_PROJECT_MONTHS, project_id, sorted(months))
    await conn.execute(_ROLL_PROJECT, project_id)


async def _settle(
    conn: asyncpg.Connection,
    events: dict[int, Event],
    people: tuple[int, int],
    actor: str,
) -> None:
    """Rebuild both ``people``'s rollups and journal its event in every project that
    changed hands, then recompute the DCO grants of their work wherever it is."""
    for p, event in sorted(events.items()):
        await rebuild_rollups(conn, p, people)
        await append_event(conn, p, event, actor)
    for p, _ in await affected_projects(conn, people):
        await dco.reconcile(conn, p, people, actor)


async def _journaled(conn: asyncpg.Connection, merge_id: int, project_ids: list[int]) -> set[int]:
    """The projects among ``project_ids`` whose journal holds the event of this merge
    (read from the merges each of them journaled)."""
    found: set[int] = set()
    for row in await conn.fetch(_MERGE_EVENTS, project_ids, ContributorsMerged.TYPE):
        event = decode(ContributorsMerged.TYPE, row["body"], row["version"])
        if isinstance(event, ContributorsMerged) and event.merge_id == merge_id:
            found.add(row["project_id"])
    return found


async def merge(
    conn: asyncpg.Connection, project_id: int, source: int, target: int, actor: str
) -> int:
    """Merge ``source`` into ``target`` (both canonical); the merge record's id."""
    if source == target:
        raise InvalidInput("a contributor cannot be merged into itself", "target")
    rows = {r["id"]: r["merged_into"] for r in await conn.fetch(_LOCK, [source, target])}
    for who in (source, target):
        if who not in rows:
            raise NotFound(f"no contributor {who}")
        if rows[who] is not None:
            raise Conflict(
                f"contributor {who} is already merged into {rows[who]}",
                ConflictCode.ALREADY_MERGED,
            )
    moved = {
        r["project_id"]: list(r["ids"])
        for r in await conn.fetch(_MOVE_CONTRIBUTIONS, source, target)
    }
    identities = [r["id"] for r in await conn.fetch(_MOVE_IDENTITIES, source, target)]
    children = [r["id"] for r in await conn.fetch(_MOVE_CHILDREN, source, target)]
    await conn.execute("UPDATE contributors SET merged_into = $2 WHERE id = $1", source, target)
    stored = {str(p): ids for p, ids in moved.items()}
    merge_id = await conn.fetchval(
        _RECORD, source, target, None, identities, children, stored, actor
    )
    events: dict[int, Event] = {
        p: ContributorsMerged(
            merge_id=merge_id, source=source, target=target, contributions=len(moved.get(p, []))
        )
        for p in {*moved, project_id}
    }
    await _settle(conn, events, (source, target), actor)
    return int(merge_id)


async def unmerge(conn: asyncpg.Connection, project_id: int, merge_id: int, actor: str) -> int:
    """Undo a merge exactly (what it moved goes back); the restored contributor's id."""
    record = await conn.fetchrow(_OPEN_MERGE, merge_id)
    if record is None:
        raise NotFound(f"no open merge {merge_id}")
    source, target = record["source_id"], record["target_id"]
    parent = await conn.fetchval("SELECT merged_into FROM contributors WHERE id = $1", target)
    if parent is not None:
        raise Conflict(
            f"contributor {target} was merged into {parent} later; unmerge that first",
            ConflictCode.MERGED_LATER,
        )
    listed = {int(p): ids for p, ids in record["moved_contributions"].items()}
    moved = {
        p: sorted(r["id"] for r in await conn.fetch(_RESTORE_CONTRIBUTIONS, p, ids, source, target))
        for p, ids in listed.items()
    }
    await conn.execute(
        "UPDATE identities SET contributor_id = $2 WHERE id = any($1::bigint[])",
        record["moved_identities"],
        source,
    )
    await conn.execute(
        "UPDATE contributors SET merged_into = $2 WHERE id = any($1::bigint[])",
        record["moved_children"],
        source,
    )
    await conn.execute(
        "UPDATE contributors SET merged_into = $2 WHERE id = $1", source, record["previous_parent"]
    )
    await conn.execute(
        "UPDATE contributor_merges SET unmerged_at = clock_timestamp(), unmerged_by = $2 "
        "WHERE id = $1",
        merge_id,
        actor,
    )
    touched = sorted({*moved, project_id})
    journaled = await _journaled(conn, merge_id, touched)
    events: dict[int, Event] = {
        p: ContributorsUnmerged(
            merge_id=merge_id, source=source, target=target,
            contributions=len(moved.get(p, [])),
            contribution_ids=UNSET if p in journaled else tuple(moved.get(p, [])),
        )
        for p in touched
    }  # fmt: skip
    await _settle(conn, events, (source, target), actor)
    return int(source)


async def merge_record_projects(conn: asyncpg.Connection, merge_id: int) -> list[int]:
    """The projects whose contributions a merge moved (for permission checks)."""
    moved = await conn.fetchval(
        "SELECT moved_contributions FROM contributor_merges WHERE id = $1", merge_id
    )
    if moved is None:
        raise NotFound(f"no merge {merge_id}")
    return sorted(int(p) for p in moved)
