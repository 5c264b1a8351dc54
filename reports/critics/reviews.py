"""Review coverage and response times of the period's change requests and issues, in SQL
over the contributions that state a thread (``ledger.register.facts``).

A thread opens with its first ``change`` or ``issue`` contribution (by time, then id);
its author is the record holding that contribution. Of the changes merged in the
period (CHAOSS "Change Request Reviews"), one is reviewed when someone other than its
author reviewed or approved it at or before the merge, and self-merged when its author
also merged it. Time to first response (CHAOSS "Time to First Response") runs from a
thread's opening (an issue's own time, a change's ``opened_at``) to the first review or
comment by someone else at or after it, whenever that came; time to first review, to
the first review. Durations are whole seconds (rounded down); medians and 90th
percentiles are nearest-rank (``reports.critics.measures.nearest_rank``). Bots are
never counted: their contributions are neither changes, reviews nor responses.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from reports.figures import share
from reports.period import Period

SELF_MERGED_LISTED = 100
"""The most recent self-merged changes a report lists (it counts them all)."""

_JUDGED = """
WITH bounds AS (
    SELECT $2::date::timestamp AT TIME ZONE 'UTC' AS s, $3::date::timestamp AT TIME ZONE 'UTC' AS e
),
candidates AS (
    SELECT DISTINCT c.metadata ->> 'thread' AS thread FROM contributions c, bounds
    WHERE c.project_id = $1 AND c.counted AND (c.metadata ? 'thread' OR c.metadata ? 'reverts')
      AND c.occurred_at >= s AND c.occurred_at < e
      AND c.metadata ->> 'thread_role' IN ('change', 'issue')
),
threaded AS (
    SELECT c.id, c.contributor_id AS who, c.occurred_at AS at, c.metadata ->> 'thread' AS thread,
        c.metadata ->> 'thread_role' AS role, c.metadata ->> 'repository' AS repository,
        (c.metadata ->> 'opened_at')::timestamptz AS opened
    FROM contributions c
    WHERE c.project_id = $1 AND c.counted AND c.metadata ? 'thread'
      AND c.metadata ->> 'thread' IN (SELECT thread FROM candidates)
),
marked AS (
    SELECT t.*, first_value(role) OVER w AS head_role, first_value(who) OVER w AS author,
        first_value(at) OVER w AS head_at, first_value(repository) OVER w AS head_repository,
        first_value(CASE WHEN role = 'issue' THEN at ELSE opened END) OVER w AS head_opened
    FROM threaded t
    WINDOW w AS (PARTITION BY thread ORDER BY role NOT IN ('change', 'issue'), at, id)
),
judged AS (
    SELECT thread, head_role AS role, author, head_at AS at, head_repository AS repository,
        head_opened AS opened,
        coalesce(bool_or(role = 'review' AND who <> author AND at <= head_at), false) AS reviewed,
        coalesce(bool_or(role = 'merge' AND who = author), false) AS self_merged,
        floor(extract(epoch FROM min(at) FILTER (WHERE role IN ('review', 'comment')
            AND who <> author AND at >= head_opened) - head_opened))::bigint AS response,
        floor(extract(epoch FROM min(at) FILTER (WHERE role = 'review'
            AND who <> author AND at >= head_opened) - head_opened))::bigint AS review
    FROM marked, bounds
    WHERE head_role IN ('change', 'issue') AND head_at >= s AND head_at < e
    GROUP BY thread, head_role, author, head_at, head_repository, head_opened
),
timed AS (
    SELECT 'issues' AS measure, response AS seconds, opened FROM judged WHERE role = 'issue'
    UNION ALL
    SELECT 'changes', response, opened FROM judged WHERE role = 'change'
    UNION ALL
    SELECT 'change_reviews', review, opened FROM judged WHERE role = 'change'
)
SELECT
    (SELECT count(*) FROM judged WHERE role = 'change') AS merged,
    (SELECT count(*) FROM judged WHERE role = 'change' AND reviewed) AS reviewed,
    (SELECT count(*) FROM judged WHERE role = 'change' AND self_merged) AS self_merged,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('repository', repository, 'merged', n,
        'reviewed', k) ORDER BY repository COLLATE "C" NULLS LAST), '[]')
     FROM (SELECT repository, count(*) AS n, count(*) FILTER (WHERE reviewed) AS k
           FROM judged WHERE role = 'change' GROUP BY repository) x) AS by_repository,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('thread', thread, 'repository', repository,
        'author', author, 'merged_at', to_char(at AT TIME ZONE 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'reviewed', reviewed)
        ORDER BY at DESC, thread COLLATE "C"), '[]')
     FROM (SELECT * FROM judged WHERE role = 'change' AND self_merged
           ORDER BY at DESC, thread COLLATE "C" LIMIT $4) x) AS self_merged_changes,
    (SELECT coalesce(jsonb_object_agg(measure, jsonb_build_object('threads', n,
        'known', known, 'answered', answered,
        'median_seconds', ordered[greatest(1, (50 * answered + 99) / 100)],
        'p90_seconds', ordered[greatest(1, (90 * answered + 99) / 100)])), '{}')
     FROM (SELECT measure, count(*) AS n, count(opened) AS known, count(seconds) AS answered,
               array_agg(seconds ORDER BY seconds) FILTER (WHERE seconds IS NOT NULL) AS ordered
           FROM timed GROUP BY measure) y) AS timing
"""
MEASURES = ("issues", "changes", "change_reviews")


def _timing(found: dict[str, Any], measure: str) -> dict[str, Any]:
    row = found.get(measure) or {"threads": 0, "known": 0, "answered": 0}
    return {
        "threads": int(row["threads"]),
        "with_opening": int(row["known"]),
        "answered": int(row["answered"]),
        "median_seconds": row.get("median_seconds"),
        "p90_seconds": row.get("p90_seconds"),
    }


async def reviews(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, period: Period
) -> dict[str, Any]:
    """Review coverage (overall and per repository), self-merged changes, and the
    response and review times of the period's threads."""
    row = await conn.fetchrow(_JUDGED, project_id, period.start, period.end, SELF_MERGED_LISTED)
    merged, reviewed = int(row["merged"]), int(row["reviewed"])
    return {
        "coverage": {
            "merged": merged,
            "reviewed": reviewed,
            "share": share(reviewed, merged),
            "by_repository": [
                {**r, "share": share(r["reviewed"], r["merged"])} for r in row["by_repository"]
            ],
            "self_merged": int(row["self_merged"]),
            "self_merged_changes": row["self_merged_changes"],
        },
        "response": {m: _timing(row["timing"], m) for m in MEASURES},
    }
