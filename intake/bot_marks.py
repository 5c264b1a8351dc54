"""Marking a contributor as a bot, or as a person, after the fact.

Intake recognises most automation when it first sees it (``intake.bots``); what it
missed a maintainer marks by contributor number. The mark is the person's (every
project): in each project holding their contributions, those are recounted (a bot's
earn no credit; a person's earn their kind's weight under the policy version each
was recorded with, unless recorded uncounted for another reason, such as an AI
assistant's under the project's policy), the rollups and totals are rebuilt, and
``contributor.bot_marked`` is journaled, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import asyncpg

from intake.merges import affected_projects, rebuild_rollups
from ledger.journal.chain import append_event
from ledger.journal.events.intake import ContributorBotMarked
from ledger.kernel.errors import Conflict, ConflictCode, NotFound

_LOCK = "SELECT id, is_bot, merged_into FROM contributors WHERE id = $1 FOR UPDATE"
_RECOUNT = """
WITH old AS (
    SELECT id, counted, credit FROM contributions WHERE project_id = $1 AND contributor_id = $2
), new AS (
    UPDATE contributions c SET
        counted = NOT $3 AND NOT c.metadata ? 'uncounted',
        credit = CASE WHEN NOT $3 AND NOT c.metadata ? 'uncounted'
            THEN coalesce((p.weights->>c.kind)::numeric, p.default_weight) ELSE 0 END
    FROM credit_policies p
    WHERE c.project_id = $1 AND c.contributor_id = $2
        AND p.project_id = c.project_id AND p.version = c.policy_version
    RETURNING c.id, c.kind, c.occurred_at, c.counted, c.credit
)
SELECT date_trunc('month', n.occurred_at AT TIME ZONE 'UTC')::date AS month, n.kind,
    sum(n.counted::int - o.counted::int) AS contributions,
    sum(CASE WHEN n.counted THEN n.credit ELSE 0 END
        - CASE WHEN o.counted THEN o.credit ELSE 0 END) AS credit,
    count(*) AS recounted
FROM new n JOIN old o ON o.id = n.id GROUP BY 1, 2
"""
_KINDS = """
WITH changes AS (
    SELECT * FROM unnest($2::date[], $3::text[], $4::bigint[], $5::numeric[])
        AS d(month, kind, contributions, credit)
), months AS (
    INSERT INTO kind_month_stats AS s (project_id, month, kind, contributions, credit)
    SELECT $1, * FROM changes
    ON CONFLICT (project_id, month, kind) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit
), project_months AS (
    INSERT INTO project_month_stats AS s (project_id, month, contributions, credit, contributors)
    SELECT $1, month, sum(contributions), sum(credit), 0 FROM changes GROUP BY month
    ON CONFLICT (project_id, month) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit
)
INSERT INTO kind_stats AS s (project_id, kind, contributions, credit)
SELECT $1, kind, sum(contributions), sum(credit) FROM changes GROUP BY kind
ON CONFLICT (project_id, kind) DO UPDATE SET
    contributions = s.contributions + excluded.contributions, credit = s.credit + excluded.credit
"""
_DROP_EMPTY = """
WITH months AS (DELETE FROM kind_month_stats WHERE project_id = $1 AND contributions = 0),
     project_months AS (
        DELETE FROM project_month_stats WHERE project_id = $1 AND contributions = 0)
DELETE FROM kind_stats WHERE project_id = $1 AND contributions = 0
"""
_TOTALS = """
UPDATE project_stats SET contributions = contributions + $2, credit = credit + $3,
    first_at = (SELECT min(first_at) FROM contributor_stats WHERE project_id = $1),
    last_at = (SELECT max(last_at) FROM contributor_stats WHERE project_id = $1)
WHERE project_id = $1
"""


@dataclass(frozen=True, slots=True)
class BotMark:
    """What marking did: the contributor's mark now, whether it changed, and how many
    contributions were recounted per project."""

    contributor_id: int
    bot: bool
    changed: bool
    recounted: dict[int, int] = field(default_factory=dict)


async def _recount(
    conn: asyncpg.Connection, project_id: int, contributor_id: int, bot: bool
) -> int:
    rows = await conn.fetch(_RECOUNT, project_id, contributor_id, bot)
    await conn.execute(
        _KINDS,
        project_id,
        [r["month"] for r in rows],
        [r["kind"] for r in rows],
        [r["contributions"] for r in rows],
        [r["credit"] for r in rows],
    )
    await conn.execute(_DROP_EMPTY, project_id)
    await rebuild_rollups(conn, project_id, [contributor_id])
    count = sum(int(r["contributions"]) for r in rows)
    credit = sum((Decimal(r["credit"]) for r in rows), Decimal(0))
    await conn.execute(_TOTALS, project_id, count, credit)
    return sum(int(r["recounted"]) for r in rows)


async def mark_bot(conn: asyncpg.Connection, contributor_id: int, bot: bool, actor: str) -> BotMark:
    """Mark a (canonical) contributor as a bot or a person and recount their work in
    every project that holds it (caller's transaction)."""
    row = await conn.fetchrow(_LOCK, contributor_id)
    if row is None:
        raise NotFound(f"no contributor {contributor_id}")
    if row["merged_into"] is not None:
        raise Conflict(
            f"contributor {contributor_id} is merged into {row['merged_into']}; mark that one",
            ConflictCode.ALREADY_MERGED,
        )
    if row["is_bot"] == bot:
        return BotMark(contributor_id, bot, False)
    await conn.execute("UPDATE contributors SET is_bot = $2 WHERE id = $1", contributor_id, bot)
    recounted: dict[int, int] = {}
    for project_id, _ in await affected_projects(conn, [contributor_id]):
        await conn.execute(
            "SELECT 1 FROM journal_heads WHERE project_id = $1 FOR UPDATE", project_id
        )
        recounted[project_id] = await _recount(conn, project_id, contributor_id, bot)
        event = ContributorBotMarked(
            contributor_id=contributor_id, bot=bot, contributions=recounted[project_id]
        )
        await append_event(conn, project_id, event, actor)
    return BotMark(contributor_id, bot, True, recounted)
