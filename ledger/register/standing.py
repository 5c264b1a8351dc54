"""A contributor's standing in a project and a project's months, from the rollups.

One statement answers a standing: the contributor's totals, their rank by credit
(ties share a rank), their work per month and kind, and their credit per kind and
credit policy version (each line's weight is its credit over its count: one kind
earns one weight under one version). Its cost is the contributor's months and kinds
and an index range of the better-ranked, never their contributions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg

# The standing's columns, given the project id, the contributor id and their
# ``contributor_stats`` row ``s`` as SQL (shared with ``ledger.register.dashboard``).
STANDING_COLUMNS = """s.contributions, s.credit, s.first_at, s.last_at,
    1 + (SELECT count(*) FROM contributor_stats r
         WHERE r.project_id = {project} AND r.credit > s.credit) AS rank,
    (SELECT contributors FROM project_stats WHERE project_id = {project}) AS ranked,
    ARRAY(SELECT row(k.month, k.kind, sum(k.contributions)::bigint, sum(k.credit))
          FROM contributor_kind_stats k
          WHERE k.project_id = {project} AND k.contributor_id = {contributor}
          GROUP BY k.month, k.kind ORDER BY k.month, k.kind) AS cells,
    ARRAY(SELECT row(k.kind, k.policy_version, sum(k.contributions)::bigint, sum(k.credit))
          FROM contributor_kind_stats k
          WHERE k.project_id = {project} AND k.contributor_id = {contributor}
          GROUP BY k.kind, k.policy_version ORDER BY sum(k.credit) DESC, k.kind, k.policy_version)
        AS lines"""
_STANDING = f"""
SELECT {STANDING_COLUMNS.format(project="$1", contributor="$2")}
FROM contributor_stats s WHERE s.project_id = $1 AND s.contributor_id = $2
"""
_MONTHS = """
SELECT month, contributions, credit, contributors FROM project_month_stats
WHERE project_id = $1 AND ($2::date IS NULL OR month >= $2) AND ($3::date IS NULL OR month < $3)
ORDER BY month
"""


@dataclass(frozen=True, slots=True)
class KindMonth:
    """Counted contributions of one kind in one month."""

    month: date
    kind: str
    contributions: int
    credit: Decimal


@dataclass(frozen=True, slots=True)
class CreditLine:
    """Credit of one kind under one policy version: ``contributions`` x ``weight``."""

    kind: str
    policy_version: int
    contributions: int
    credit: Decimal

    @property
    def weight(self) -> Decimal:
        return (self.credit / self.contributions).quantize(Decimal("0.0001"))


@dataclass(frozen=True, slots=True)
class Standing:
    """A contributor's counted work in a project, ranked among its contributors."""

    contributions: int
    credit: Decimal
    first_at: datetime
    last_at: datetime
    rank: int
    ranked: int
    cells: list[KindMonth]
    lines: list[CreditLine]


@dataclass(frozen=True, slots=True)
class MonthTotal:
    """A project's counted work in one month and how many people did it."""

    month: date
    contributions: int
    credit: Decimal
    contributors: int


async def standing(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, contributor_id: int
) -> Standing | None:
    """The contributor's standing, or None when they have no counted contribution."""
    row = await conn.fetchrow(_STANDING, project_id, contributor_id)
    return standing_of_row(row) if row is not None else None


def standing_of_row(row: asyncpg.Record) -> Standing | None:
    """The standing in a row of ``STANDING_COLUMNS`` (None when ``contributions`` is)."""
    if row["contributions"] is None:
        return None
    return Standing(
        contributions=row["contributions"],
        credit=row["credit"],
        first_at=row["first_at"],
        last_at=row["last_at"],
        rank=row["rank"],
        ranked=row["ranked"],
        cells=[KindMonth(m, k, n, c) for m, k, n, c in row["cells"]],
        lines=[CreditLine(k, v, n, c) for k, v, n, c in row["lines"]],
    )


async def months(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    since: date | None = None,
    until: date | None = None,
) -> list[MonthTotal]:
    """The project's months with counted work in [since, until), oldest first."""
    rows = await conn.fetch(_MONTHS, project_id, since, until)
    return [
        MonthTotal(r["month"], r["contributions"], r["credit"], r["contributors"]) for r in rows
    ]
