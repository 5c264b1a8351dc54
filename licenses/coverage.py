"""Coverage: which grant covers each contribution (or none), resolved in SQL.

A grant covers a contribution when the contribution was made before the grant's
window closed (withdrawal, or the next version of the agreement it accepted) and
either the grant lists it, or the grant covers all work from a date by its grantor
(or, for a corporate CLA, by the people it authorises: named contributors, verified
emails of a domain, members of the organisation on the contribution's date). When
several grants apply, a grant listing the contribution wins, then the earliest.
Only counted contributions take part (bots are outside the commons).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from ledger.contributions import COLUMNS, _contribution
from ledger.models import Contribution

REQUIRED_SETTING = "license_coverage_required"
PERIODS = ("month", "quarter", "year")

_BASE = """
WITH base AS (
    SELECT c.*, array_remove(ARRAY[c.contributor_id, me.merged_into], NULL) AS people
    FROM contributions c JOIN contributors me ON me.id = c.contributor_id
    WHERE c.project_id = $1 AND c.counted
        AND ($2::timestamptz IS NULL OR c.occurred_at >= $2)
        AND ($3::timestamptz IS NULL OR c.occurred_at < $3)
        AND ($4::text IS NULL OR c.kind = $4)
        {extra}
)"""
RESOLVE = """(
    SELECT g.id FROM grant_windows g
    WHERE g.project_id = b.project_id AND b.occurred_at < g.covers_until
      AND (
        (g.scope = 'contributions' AND EXISTS (
            SELECT 1 FROM grant_contributions gc
            WHERE gc.project_id = b.project_id AND gc.grant_id = g.id
              AND gc.contribution_id = b.id))
        OR (g.scope = 'from_date' AND b.occurred_at >= g.scope_from AND (
            g.grantor_contributor_id = any(b.people)
            OR (g.grantor_organisation_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM ccla_authorisations a
                WHERE a.project_id = g.project_id AND a.grant_id = g.id AND (
                    (a.kind = 'contributor' AND a.contributor_id = any(b.people))
                    OR (a.kind = 'email_domain' AND EXISTS (
                        SELECT 1 FROM identities i
                        WHERE i.contributor_id = any(b.people) AND i.email_verified
                          AND lower(split_part(i.email, '@', 2)) = a.email_domain))
                    OR (a.kind = 'membership' AND EXISTS (
                        SELECT 1 FROM affiliations af
                        WHERE af.contributor_id = any(b.people)
                          AND af.organisation_id = g.grantor_organisation_id
                          AND (b.occurred_at AT TIME ZONE 'UTC')::date >= af.valid_from
                          AND (b.occurred_at AT TIME ZONE 'UTC')::date < af.valid_to))))))))
    ORDER BY (g.scope = 'contributions') DESC, g.effective_at, g.id
    LIMIT 1
)"""
_SUMMARY = (
    _BASE.format(extra="")
    + f""", resolved AS (SELECT b.kind, b.occurred_at, {RESOLVE} AS grant_id FROM base b)
SELECT kind,
    CASE WHEN $5::text IS NULL THEN NULL
         ELSE date_trunc($5::text, occurred_at AT TIME ZONE 'UTC')::date END AS period,
    count(*) AS total, count(grant_id) AS covered
FROM resolved GROUP BY 1, 2 ORDER BY 2 NULLS FIRST, 1
"""
)
_UNCOVERED = (
    _BASE.format(extra="AND ($5::timestamptz IS NULL OR (c.occurred_at, c.id) < ($5, $6))")
    + f"""
SELECT {COLUMNS} FROM base b WHERE {RESOLVE} IS NULL
ORDER BY occurred_at DESC, id DESC LIMIT $7
"""
)
_UNCOVERED_COUNT = (
    _BASE.format(extra="AND $5::timestamptz IS NULL AND $6::bigint IS NULL")
    + f"""
SELECT count(*) FROM base b WHERE {RESOLVE} IS NULL
"""
)
_BY_CONTRIBUTOR = (
    _BASE.format(extra="AND ($5::bigint IS NULL OR c.contributor_id > $5)")
    + f""", resolved AS (SELECT b.contributor_id, {RESOLVE} AS grant_id FROM base b)
SELECT contributor_id, count(*) AS total, count(grant_id) AS covered,
    array_agg(DISTINCT grant_id) FILTER (WHERE grant_id IS NOT NULL) AS grant_ids
FROM resolved GROUP BY contributor_id ORDER BY contributor_id LIMIT $6
"""
)
_CONTRIBUTOR_COUNT = """
SELECT count(DISTINCT contributor_id) FROM contributions WHERE project_id = $1 AND counted
"""
_ONE = (
    _BASE.format(extra="AND c.id = $5")
    + f"""
SELECT {RESOLVE} FROM base b
"""
)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Counted contributions of one kind (and period), and how many a grant covers."""

    kind: str
    period: date | None
    total: int
    covered: int


@dataclass(frozen=True, slots=True)
class ContributorCoverage:
    contributor_id: int
    total: int
    covered: int
    grant_ids: list[int]


@dataclass(frozen=True, slots=True)
class Window:
    """Which contributions to look at: [since, until) and one kind, each optional."""

    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None

    def args(self) -> tuple[datetime | None, datetime | None, str | None]:
        return self.since, self.until, self.kind


async def summary(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, window: Window, period: str | None
) -> list[CoverageRow]:
    """Totals and covered counts by kind (and month/quarter/year when ``period`` is set)."""
    assert period is None or period in PERIODS
    rows = await conn.fetch(_SUMMARY, project_id, *window.args(), period)
    return [CoverageRow(r["kind"], r["period"], r["total"], r["covered"]) for r in rows]


async def uncovered(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    window: Window,
    after: tuple[datetime, int] | None,
    limit: int,
) -> tuple[list[Contribution], int]:
    """Uncovered contributions newest first after the keyset cursor, and their count."""
    at, last_id = after if after else (None, None)
    rows = await conn.fetch(_UNCOVERED, project_id, *window.args(), at, last_id, limit)
    total = await conn.fetchval(_UNCOVERED_COUNT, project_id, *window.args(), None, None)
    return [_contribution(r) for r in rows], int(total)


async def by_contributor(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    after_contributor: int | None,
    limit: int,
) -> tuple[list[ContributorCoverage], int]:
    """Each contributor's covered and total counts and the grants covering them."""
    rows = await conn.fetch(_BY_CONTRIBUTOR, project_id, None, None, None, after_contributor, limit)
    total = await conn.fetchval(_CONTRIBUTOR_COUNT, project_id)
    found = [
        ContributorCoverage(
            r["contributor_id"], r["total"], r["covered"], sorted(r["grant_ids"] or [])
        )
        for r in rows
    ]
    return found, int(total)


async def covering_grant(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, contribution_id: int
) -> int | None:
    """The id of the grant covering one contribution, or None."""
    value = await conn.fetchval(_ONE, project_id, None, None, None, contribution_id)
    return int(value) if value is not None else None


def required_kinds(settings: dict[str, object]) -> list[str]:
    """The kinds a project requires coverage for (from its settings)."""
    value = settings.get(REQUIRED_SETTING)
    return sorted(str(k) for k in value) if isinstance(value, list) else []


def percentage(covered: int, total: int) -> float:
    """Covered share in percent with two decimals (100 when there is nothing to cover)."""
    return round(100.0 * covered / total, 2) if total else 100.0
