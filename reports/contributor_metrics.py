"""Contributor metrics of a project over a period, in SQL over the rollups.

CHAOSS definitions: contributor absence factor (fewest contributors reaching 50% of
contributions, by count and by credit), elephant factor (fewest organisations, by
the affiliation valid on each contribution's date, reaching 50% of the affiliated
contributions), new contributors (first counted contribution in the period), active
contributors, contribution mix by kind and the Gini coefficient of credit. Bots are
never counted (the rollups hold counted contributions only). Whole-month periods
read the monthly rollups; other ranges read the contributions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from ledger.register.models import CODE_KINDS
from reports.figures import decimal_text, share
from reports.period import Period

_PER_CONTRIBUTOR_MONTHS = """
SELECT contributor_id, sum(contributions)::bigint AS n, sum(credit) AS credit
FROM contributor_month_stats
WHERE project_id = $1 AND month >= $2::date AND month < $3::date
GROUP BY contributor_id
"""
_PER_CONTRIBUTOR_RAW = """
SELECT contributor_id, count(*)::bigint AS n, sum(credit) AS credit
FROM contributions
WHERE project_id = $1 AND counted
  AND occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
  AND occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
GROUP BY contributor_id
"""
_CONTRIBUTORS = """
WITH per AS ({source}),
ranked AS (
    SELECT n, credit,
        sum(n) OVER (ORDER BY n DESC, contributor_id) - n AS n_before,
        sum(credit) OVER (ORDER BY credit DESC, contributor_id) - credit AS credit_before,
        row_number() OVER (ORDER BY credit, contributor_id) AS rank_up
    FROM per
),
total AS (
    SELECT count(*) AS active, coalesce(sum(n), 0)::bigint AS n,
        coalesce(sum(credit), 0) AS credit,
        coalesce(sum(rank_up * credit), 0) AS weighted
    FROM ranked
)
SELECT t.active, t.n, t.credit,
    (SELECT count(*) FROM ranked r WHERE 2 * r.n_before < t.n) AS absence_by_count,
    (SELECT count(*) FROM ranked r WHERE 2 * r.credit_before < t.credit) AS absence_by_credit,
    CASE WHEN t.credit > 0 THEN
        round(2 * t.weighted / (t.active * t.credit) - (t.active + 1)::numeric / t.active, 4)
    END AS gini,
    (SELECT count(*) FROM contributor_stats s WHERE s.project_id = $1
        AND s.first_at >= $2::date::timestamp AT TIME ZONE 'UTC'
        AND s.first_at < $3::date::timestamp AT TIME ZONE 'UTC') AS new_contributors
FROM total t
"""
_KINDS_MONTHS = """
SELECT kind, sum(contributions)::bigint AS n, sum(credit) AS credit FROM kind_month_stats
WHERE project_id = $1 AND month >= $2::date AND month < $3::date
GROUP BY kind ORDER BY kind
"""
_KINDS_RAW = """
SELECT kind, count(*)::bigint AS n, sum(credit) AS credit FROM contributions
WHERE project_id = $1 AND counted
  AND occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
  AND occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
GROUP BY kind ORDER BY kind
"""
_MONTHLY = """
SELECT to_char(month, 'YYYY-MM') AS month, sum(contributions)::bigint AS n,
    sum(credit) AS credit
FROM kind_month_stats
WHERE project_id = $1 AND month >= date_trunc('month', $2::date) AND month < $3::date
GROUP BY month ORDER BY month
"""
_MONTHLY_RAW = """
SELECT to_char(date_trunc('month', occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
    count(*)::bigint AS n, sum(credit) AS credit
FROM contributions
WHERE project_id = $1 AND counted
  AND occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
  AND occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
GROUP BY 1 ORDER BY 1
"""
_ELEPHANT = """
WITH work AS (
    SELECT c.id, c.contributor_id, c.credit, (c.occurred_at AT TIME ZONE 'UTC')::date AS day
    FROM contributions c
    WHERE c.project_id = $1 AND c.counted
      AND c.occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
      AND c.occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
),
owned AS (
    SELECT DISTINCT ON (w.id) w.id, w.credit, a.organisation_id AS org
    FROM work w
    JOIN affiliations a ON a.contributor_id = w.contributor_id
        AND a.valid_from <= w.day AND w.day < a.valid_to
    ORDER BY w.id, a.valid_from DESC, a.id DESC
),
per AS (
    SELECT org, count(*)::bigint AS n, sum(credit) AS credit FROM owned
    WHERE org IS NOT NULL GROUP BY org
),
ranked AS (
    SELECT org, n, credit,
        sum(n) OVER (ORDER BY n DESC, org) - n AS n_before,
        sum(credit) OVER (ORDER BY credit DESC, org) - credit AS credit_before
    FROM per
),
total AS (SELECT coalesce(sum(n), 0) AS n, coalesce(sum(credit), 0) AS credit FROM per)
SELECT
    (SELECT count(*) FROM ranked r WHERE 2 * r.n_before < t.n) AS by_count,
    (SELECT count(*) FROM ranked r WHERE 2 * r.credit_before < t.credit) AS by_credit,
    (SELECT count(*) FROM work) - (SELECT count(*) FROM owned) AS unaffiliated,
    (SELECT count(*) FROM work) AS contributions,
    (SELECT coalesce(jsonb_agg(jsonb_build_object(
        'organisation_id', r.org, 'name', o.name, 'contributions', r.n,
        'credit', r.credit::text) ORDER BY r.n DESC, r.org), '[]')
     FROM (SELECT * FROM ranked ORDER BY n DESC, org LIMIT 10) r
     JOIN organisations o ON o.id = r.org) AS top
FROM total t
"""


@dataclass(frozen=True, slots=True)
class Queries:
    """The SQL a report runs for its contributor section (exposed for the benchmark)."""

    contributors: str
    kinds: str
    monthly: str


def queries_for(period: Period) -> Queries:
    """The monthly-rollup queries for whole months, raw ones otherwise."""
    source = _PER_CONTRIBUTOR_MONTHS if period.month_aligned else _PER_CONTRIBUTOR_RAW
    kinds = _KINDS_MONTHS if period.month_aligned else _KINDS_RAW
    monthly = _MONTHLY if period.month_aligned else _MONTHLY_RAW
    return Queries(_CONTRIBUTORS.format(source=source), kinds, monthly)


async def contributor_metrics(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, period: Period
) -> dict[str, Any]:
    """Absence factors, active and new contributors, Gini, mix by kind and monthly series."""
    q = queries_for(period)
    args = (project_id, period.start, period.end)
    row = await conn.fetchrow(q.contributors, *args)
    kinds = await conn.fetch(q.kinds, *args)
    monthly = await conn.fetch(q.monthly, *args)
    total_n = int(row["n"])
    code = sum(int(k["n"]) for k in kinds if k["kind"] in CODE_KINDS)
    return {
        "contributions": total_n,
        "credit": decimal_text(row["credit"]),
        "active_contributors": int(row["active"]),
        "new_contributors": int(row["new_contributors"]),
        "absence_factor": {
            "by_count": int(row["absence_by_count"]),
            "by_credit": int(row["absence_by_credit"]),
        },
        "gini_of_credit": None if row["gini"] is None else str(row["gini"]),
        "mix": {
            "code_contributions": code,
            "non_code_contributions": total_n - code,
            "code_share": share(code, total_n),
            "non_code_share": share(total_n - code, total_n),
            "by_kind": [
                {
                    "kind": k["kind"],
                    "code": k["kind"] in CODE_KINDS,
                    "contributions": int(k["n"]),
                    "credit": decimal_text(k["credit"]),
                    "share": share(int(k["n"]), total_n),
                }
                for k in kinds
            ],
        },
        "monthly": [
            {"month": m["month"], "contributions": int(m["n"]), "credit": decimal_text(m["credit"])}
            for m in monthly
        ],
    }


async def elephant_factor(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, period: Period
) -> dict[str, Any]:
    """Organisations reaching 50% of affiliated contributions, and the unaffiliated share."""
    row = await conn.fetchrow(_ELEPHANT, project_id, period.start, period.end)
    return {
        "by_count": int(row["by_count"]),
        "by_credit": int(row["by_credit"]),
        "unaffiliated_contributions": int(row["unaffiliated"]),
        "unaffiliated_share": share(int(row["unaffiliated"]), int(row["contributions"])),
        "top_organisations": [{**o, "credit": decimal_text(o["credit"])} for o in row["top"]],
    }
