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
    Slice,
    cursor_decimal,
    cursor_int,
    cursor_time,
    slice_page,
)
from ledger.register.contributions import COLUMNS, _contribution
from ledger.register.models import Contribution


@dataclass(frozen=True, slots=True)
class ContributionFilter:
    kind: str | None = None
    contributor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    exclude_bots: bool = False
    """Leave out contributions recorded as a bot's (stored uncounted)."""


CONTRIBUTOR_ORDERS = ("credit", "contributions", "first_at", "last_at")
"""What a contributors' list may be ordered by (each with the contributor id as tie-break)."""


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
    AND ($5::timestamptz IS NULL OR occurred_at < $5)
    AND (counted OR NOT $6::boolean)"""
_CONTRIBUTIONS_READ = f"""
SELECT {COLUMNS} FROM contributions WHERE {_WHERE}
    AND ($7::timestamptz IS NULL OR (occurred_at, id) {{cmp}} ($7, $8))
ORDER BY occurred_at {{order}}, id {{order}} LIMIT $9
"""
# By reading order: descending (newest first, or last/before of oldest first) or not.
_CONTRIBUTIONS = {
    True: _CONTRIBUTIONS_READ.format(cmp="<", order="DESC"),
    False: _CONTRIBUTIONS_READ.format(cmp=">", order="ASC"),
}
_COUNT = f"SELECT count(*) FROM contributions WHERE {_WHERE}"
_CONTRIBUTORS_READ = """
SELECT s.contributor_id, s.contributions, s.credit, s.first_at, s.last_at
FROM contributor_stats s JOIN contributors p ON p.id = s.contributor_id
WHERE s.project_id = $1 AND NOT (p.is_bot AND $4::boolean)
    AND ($2::{type} IS NULL OR (s.{field}, s.contributor_id) {cmp} ($2, $3))
ORDER BY s.{field} {order}, s.contributor_id {order} LIMIT $5
"""
_CONTRIBUTOR_TYPES = {
    "credit": "numeric",
    "contributions": "bigint",
    "first_at": "timestamptz",
    "last_at": "timestamptz",
}
# By (order field, reading order descending).
_CONTRIBUTORS = {
    (field, descending): _CONTRIBUTORS_READ.format(
        field=field,
        type=_CONTRIBUTOR_TYPES[field],
        cmp="<" if descending else ">",
        order="DESC" if descending else "ASC",
    )
    for field in CONTRIBUTOR_ORDERS
    for descending in (True, False)
}
_BOT_STANDINGS = """
SELECT count(*) FROM contributor_stats s JOIN contributors p ON p.id = s.contributor_id
WHERE s.project_id = $1 AND p.is_bot
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
    window: Slice,
    count: bool = True,
    newest_first: bool = True,
) -> Page[Contribution]:
    """Newest first (or oldest first), keyset-paged by (occurred_at, id) either way; the
    total (an indexed count over the project's rows) only when ``count``, else 0."""
    key = window.key
    at = cursor_time(key[0]) if key else None
    last_id = cursor_int(key[1]) if key else None
    args: list[Any] = [
        project_id, where.kind, where.contributor_id, where.since, where.until, where.exclude_bots
    ]  # fmt: skip
    statement = _CONTRIBUTIONS[window.descending(newest_first)]
    rows = await conn.fetch(statement, *args, at, last_id, window.size + 1)
    total = await conn.fetchval(_COUNT, *args) if count else 0
    items = [_contribution(r) for r in rows]
    return slice_page(items, window, total, lambda c: (c.occurred_at.isoformat(), c.id))


def _contributor_cursor(order: str, value: Any) -> Any:
    if order == "credit":
        return cursor_decimal(value)
    if order == "contributions":
        return cursor_int(value)
    return cursor_time(value)


def _contributor_key(order: str) -> Any:
    def key(t: ContributorTotal) -> tuple[Any, int]:
        value = getattr(t, order)
        return (value.isoformat() if isinstance(value, datetime) else str(value), t.contributor_id)

    return key


async def contributors_page(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    window: Slice,
    order: str = "credit",
    descending: bool = True,
    exclude_bots: bool = False,
) -> Page[ContributorTotal]:
    """Contributors with their totals (from the rollup), ordered by ``order`` (one of
    ``CONTRIBUTOR_ORDERS``), highest first unless not ``descending``."""
    assert order in CONTRIBUTOR_ORDERS
    key = window.key
    rows = await conn.fetch(
        _CONTRIBUTORS[(order, window.descending(descending))],
        project_id,
        _contributor_cursor(order, key[0]) if key else None,
        cursor_int(key[1]) if key else None,
        exclude_bots,
        window.size + 1,
    )
    totals = await project_totals(conn, project_id)
    total = totals.contributors
    if exclude_bots:
        total -= await conn.fetchval(_BOT_STANDINGS, project_id)
    items = [
        ContributorTotal(
            r["contributor_id"], r["contributions"], r["credit"], r["first_at"], r["last_at"]
        )
        for r in rows
    ]
    return slice_page(items, window, total, _contributor_key(order))


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
