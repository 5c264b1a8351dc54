"""Read side of the register: keyset-paged contributions and contributors, totals.

Every page is ``LIMIT first + 1`` after the cursor's key, in SQL; totals come from
the rollups where the filter allows, else from an indexed count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from ledger.kernel.paging import (
    Page,
    cursor_decimal,
    cursor_int,
    cursor_time,
    decode_cursor,
    make_page,
)
from ledger.register.contributions import COLUMNS, _contribution
from ledger.register.models import Contribution


@dataclass(frozen=True, slots=True)
class ContributionFilter:
    kind: str | None = None
    contributor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class ContributorTotal:
    contributor_id: int
    contributions: int
    credit: Decimal
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True, slots=True)
class ProjectTotals:
    contributions: int
    credit: Decimal
    contributors: int
    first_at: datetime | None
    last_at: datetime | None


_WHERE = """project_id = $1
    AND ($2::text IS NULL OR kind = $2)
    AND ($3::bigint IS NULL OR contributor_id = $3)
    AND ($4::timestamptz IS NULL OR occurred_at >= $4)
    AND ($5::timestamptz IS NULL OR occurred_at < $5)"""
_CONTRIBUTIONS = f"""
SELECT {COLUMNS} FROM contributions WHERE {_WHERE}
    AND ($6::timestamptz IS NULL OR (occurred_at, id) < ($6, $7))
ORDER BY occurred_at DESC, id DESC LIMIT $8
"""
_COUNT = f"SELECT count(*) FROM contributions WHERE {_WHERE}"
_CONTRIBUTORS = """
SELECT contributor_id, contributions, credit, first_at, last_at FROM contributor_stats
WHERE project_id = $1 AND ($2::numeric IS NULL OR (credit, contributor_id) < ($2, $3))
ORDER BY credit DESC, contributor_id DESC LIMIT $4
"""
_TOTALS = """
SELECT contributions, credit, contributors, first_at, last_at FROM project_stats
WHERE project_id = $1
"""
_BY_KIND = """
SELECT kind, sum(contributions)::bigint AS contributions, sum(credit) AS credit
FROM kind_month_stats WHERE project_id = $1
    AND ($2::date IS NULL OR month >= $2) AND ($3::date IS NULL OR month < $3)
GROUP BY kind ORDER BY contributions DESC, kind
"""
_CONTRIBUTIONS_BY_IDS = f"""
SELECT {COLUMNS} FROM contributions WHERE project_id = $1 AND id = any($2::bigint[])
"""


async def contributions_page(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    where: ContributionFilter,
    first: int,
    after: str | None,
    count: bool = True,
) -> Page[Contribution]:
    """Newest first, keyset-paged by (occurred_at, id); the total (an indexed count over
    the project's rows) only when ``count``, else 0."""
    key = decode_cursor(after, 2)
    at = cursor_time(key[0]) if key else None
    last_id = cursor_int(key[1]) if key else None
    args: list[Any] = [project_id, where.kind, where.contributor_id, where.since, where.until]
    rows = await conn.fetch(_CONTRIBUTIONS, *args, at, last_id, first + 1)
    total = await conn.fetchval(_COUNT, *args) if count else 0
    items = [_contribution(r) for r in rows]
    return make_page(items, first, total, lambda c: (c.occurred_at.isoformat(), c.id))


async def contributors_page(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, first: int, after: str | None
) -> Page[ContributorTotal]:
    """Contributors by credit, highest first, with their totals (from the rollup)."""
    key = decode_cursor(after, 2)
    rows = await conn.fetch(
        _CONTRIBUTORS,
        project_id,
        cursor_decimal(key[0]) if key else None,
        cursor_int(key[1]) if key else None,
        first + 1,
    )
    totals = await project_totals(conn, project_id)
    items = [
        ContributorTotal(
            r["contributor_id"], r["contributions"], r["credit"], r["first_at"], r["last_at"]
        )
        for r in rows
    ]
    return make_page(items, first, totals.contributors, lambda t: (str(t.credit), t.contributor_id))


async def project_totals(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> ProjectTotals:
    """Counted contributions, credit and contributors (from the rollup)."""
    row = await conn.fetchrow(_TOTALS, project_id)
    if row is None:
        return ProjectTotals(0, Decimal(0), 0, None, None)
    return ProjectTotals(
        row["contributions"], row["credit"], row["contributors"], row["first_at"], row["last_at"]
    )


async def totals_by_kind(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> list[tuple[str, int, Decimal]]:
    """(kind, contributions, credit) over the project's whole history."""
    rows = await conn.fetch(_BY_KIND, project_id, None, None)
    return [(r["kind"], r["contributions"], r["credit"]) for r in rows]


async def load_contributions(
    pool: asyncpg.Pool, keys: list[tuple[int, int]]
) -> list[Contribution | None]:
    """Batch lookup by (project_id, id), in key order."""
    found: dict[tuple[int, int], Contribution] = {}
    by_project: dict[int, list[int]] = {}
    for project_id, cid in keys:
        by_project.setdefault(project_id, []).append(cid)
    for project_id, ids in by_project.items():
        for row in await pool.fetch(_CONTRIBUTIONS_BY_IDS, project_id, ids):
            found[(project_id, row["id"])] = _contribution(row)
    return [found.get(k) for k in keys]
