"""Reverts of the period, in SQL over the contributions that state what they revert
(``ledger.register.facts``: a git commit that says ``This reverts commit <sha>``, a
wiki edit that restores an earlier revision).

A revert is a counted contribution of the period whose metadata names what it undoes;
``reverted`` sums the targets each names (a revert of three wiki edits undoes three),
and its share is of the period's counted contributions. Reverts are listed by source
and by who reverted (the record holding the revert).
"""

from __future__ import annotations

from typing import Any

import asyncpg

from reports.figures import share
from reports.period import Period

REVERTERS_LISTED = 20

_REVERTS = """
WITH r AS (
    SELECT c.contributor_id AS who, c.source, jsonb_array_length(c.metadata -> 'reverts') AS n
    FROM contributions c
    WHERE c.project_id = $1 AND c.counted AND (c.metadata ? 'thread' OR c.metadata ? 'reverts')
      AND c.metadata ? 'reverts'
      AND c.occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
      AND c.occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
)
SELECT count(*) AS reverts, coalesce(sum(n), 0)::bigint AS reverted,
    count(DISTINCT who) AS reverters,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('source', source, 'reverts', k,
        'reverted', m) ORDER BY source COLLATE "C"), '[]')
     FROM (SELECT source, count(*) AS k, sum(n) AS m FROM r GROUP BY source) s) AS by_source,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('contributor_id', who, 'reverts', k,
        'reverted', m) ORDER BY k DESC, who), '[]')
     FROM (SELECT who, count(*) AS k, sum(n) AS m FROM r GROUP BY who
           ORDER BY count(*) DESC, who LIMIT $4) p) AS by_reverter
FROM r
"""


async def reverts(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, period: Period, contributions: int
) -> dict[str, Any]:
    """The period's reverts, what they undid as a share of ``contributions``, by source
    and by who reverted."""
    row = await conn.fetchrow(_REVERTS, project_id, period.start, period.end, REVERTERS_LISTED)
    reverted = int(row["reverted"])
    return {
        "reverts": int(row["reverts"]),
        "reverted": reverted,
        "contributions": contributions,
        "share": share(reverted, contributions),
        "reverters": int(row["reverters"]),
        "by_source": row["by_source"],
        "by_reverter": row["by_reverter"],
    }
