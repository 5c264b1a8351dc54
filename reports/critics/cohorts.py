"""Contributor retention by quarterly cohort and the quarterly trend of the absence and
elephant factors, in SQL over the rollups (and the contributions, where a period ends
inside a month or organisations are needed).

The quarters are ``reports.critics.measures.window``: the eight ending with the one of
the period's last day, the last cut at the period's end, from the first that saw any
counted contribution. A cohort (CHAOSS "New Contributors", "Inactive Contributors")
is the people whose first counted contribution ever fell in a quarter; it is retained
in a later quarter by those of them who contributed in it. Per quarter, the absence
factor is CHAOSS's contributor absence factor over that quarter's contributions (by
count and by credit) and the elephant factor CHAOSS's elephant factor over its
affiliated contributions, by the affiliation valid on each contribution's day (as the
``organisations`` section counts them). Each contribution counts for the record that
holds it now.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from reports.critics.measures import Quarter, from_first_active, retention
from reports.figures import decimal_text

_Q = "(extract(year FROM {d})::int * 4 + (extract(month FROM {d})::int - 1) / 3)"
_PER_MONTHS = f"""
SELECT contributor_id, {_Q.format(d="month")} AS q, sum(contributions)::bigint AS n,
    sum(credit) AS credit
FROM contributor_month_stats
WHERE project_id = $1 AND month >= $2::date AND month < $3::date
GROUP BY 1, 2
"""
_PER_RAW = f"""
SELECT contributor_id, {_Q.format(d="(occurred_at AT TIME ZONE 'UTC')")} AS q,
    count(*)::bigint AS n, sum(credit) AS credit
FROM contributions
WHERE project_id = $1 AND counted
  AND occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
  AND occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
GROUP BY 1, 2
"""
_PEOPLE = """
WITH per AS ({source}),
ranked AS (
    SELECT q, n, credit,
        sum(n) OVER (PARTITION BY q ORDER BY n DESC, contributor_id) - n AS n_before,
        sum(credit) OVER (PARTITION BY q ORDER BY credit DESC, contributor_id) - credit
            AS credit_before
    FROM per
),
totals AS (SELECT q, count(*) AS active, sum(n) AS n, sum(credit) AS credit FROM per GROUP BY q),
firsts AS (
    SELECT contributor_id, {first} AS q FROM contributor_stats
    WHERE project_id = $1 AND first_at >= $2::date::timestamp AT TIME ZONE 'UTC'
      AND first_at < $3::date::timestamp AT TIME ZONE 'UTC'
)
SELECT
    (SELECT coalesce(jsonb_agg(jsonb_build_object('q', q, 'active', active, 'n', n,
        'credit', credit::text, 'by_count', by_count, 'by_credit', by_credit) ORDER BY q), '[]')
     FROM (SELECT t.q, t.active, t.n, t.credit,
               count(*) FILTER (WHERE 2 * r.n_before < t.n) AS by_count,
               count(*) FILTER (WHERE 2 * r.credit_before < t.credit) AS by_credit
           FROM totals t JOIN ranked r USING (q) GROUP BY t.q, t.active, t.n, t.credit) x)
        AS quarters,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('cohort', q, 'size', size)), '[]')
     FROM (SELECT q, count(*) AS size FROM firsts GROUP BY q) c) AS cohorts,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('cohort', cohort, 'q', later, 'kept', kept)),
        '[]')
     FROM (SELECT f.q AS cohort, p.q AS later, count(*) AS kept FROM firsts f
           JOIN per p ON p.contributor_id = f.contributor_id AND p.q > f.q
           GROUP BY 1, 2) k) AS kept
""".replace("{first}", _Q.format(d="(first_at AT TIME ZONE 'UTC')"))
_ELEPHANTS = f"""
WITH work AS (
    SELECT c.id, c.contributor_id, c.credit, (c.occurred_at AT TIME ZONE 'UTC')::date AS day
    FROM contributions c
    WHERE c.project_id = $1 AND c.counted
      AND c.occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
      AND c.occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
),
owned AS (
    SELECT DISTINCT ON (w.id) w.id, {_Q.format(d="w.day")} AS q, w.credit,
        a.organisation_id AS org
    FROM work w
    JOIN affiliations a ON a.contributor_id = w.contributor_id
        AND a.valid_from <= w.day AND w.day < a.valid_to
    ORDER BY w.id, a.valid_from DESC, a.id DESC
),
per AS (SELECT q, org, count(*)::bigint AS n, sum(credit) AS credit FROM owned GROUP BY q, org),
ranked AS (
    SELECT q, n, credit,
        sum(n) OVER (PARTITION BY q ORDER BY n DESC, org) - n AS n_before,
        sum(credit) OVER (PARTITION BY q ORDER BY credit DESC, org) - credit AS credit_before
    FROM per
),
totals AS (SELECT q, sum(n) AS n, sum(credit) AS credit FROM per GROUP BY q)
SELECT t.q, count(*) FILTER (WHERE 2 * r.n_before < t.n) AS by_count,
    count(*) FILTER (WHERE 2 * r.credit_before < t.credit) AS by_credit
FROM totals t JOIN ranked r USING (q) GROUP BY t.q ORDER BY t.q
"""


def people_query(month_aligned: bool) -> str:
    """The per-quarter people query: monthly rollups when the period ends on a month."""
    return _PEOPLE.replace("{source}", _PER_MONTHS if month_aligned else _PER_RAW)


async def cohorts(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, quarters: list[Quarter], end: date
) -> dict[str, Any]:
    """Retention by cohort and the per-quarter trend over ``quarters`` (``measures.window``,
    ending at ``end``)."""
    args = (project_id, quarters[0].start, end)
    row = await conn.fetchrow(people_query(end.day == 1), *args)
    elephants = {r["q"]: r for r in await conn.fetch(_ELEPHANTS, *args)}
    per = {q["q"]: q for q in row["quarters"]}
    shown = from_first_active(quarters, per)
    sizes = {int(c["cohort"]): int(c["size"]) for c in row["cohorts"]}
    kept = {(int(k["cohort"]), int(k["q"])): int(k["kept"]) for k in row["kept"]}
    return {
        "quarters": [q.label for q in shown],
        "retention": retention(shown, sizes, kept),
        "trend": [_trend(q, per.get(q.index), elephants.get(q.index)) for q in shown],
    }


def _trend(
    quarter: Quarter, people: dict[str, Any] | None, orgs: asyncpg.Record | None
) -> dict[str, Any]:
    return {
        "quarter": quarter.label,
        "contributions": int(people["n"]) if people else 0,
        "credit": decimal_text(people["credit"]) if people else "0",
        "active_contributors": int(people["active"]) if people else 0,
        "absence_factor": {
            "by_count": int(people["by_count"]) if people else 0,
            "by_credit": int(people["by_credit"]) if people else 0,
        },
        "elephant_factor": {
            "by_count": int(orgs["by_count"]) if orgs else 0,
            "by_credit": int(orgs["by_credit"]) if orgs else 0,
        },
    }
