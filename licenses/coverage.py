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

from ledger.register.contributions import _contribution
from ledger.register.models import Contribution
from licenses import coverage_sql as sql

REQUIRED_SETTING = "license_coverage_required"
PERIODS = ("month", "quarter", "year")
MAX_CHUNK = 16_384


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
    args = (project_id, *window.args(), period)
    totals = {(r["kind"], r["period"]): r["n"] for r in await conn.fetch(sql.TOTALS, *args)}
    missing = {
        (r["kind"], r["period"]): r["n"] for r in await conn.fetch(sql.UNCOVERED_TOTALS, *args)
    }
    keys = sorted(totals, key=lambda k: (k[1] or date.min, k[0]))
    return [CoverageRow(k[0], k[1], totals[k], totals[k] - missing.get(k, 0)) for k in keys]


async def uncovered(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    window: Window,
    after: tuple[datetime, int] | None,
    limit: int,
) -> tuple[list[Contribution], int]:
    """Uncovered contributions newest first after the keyset cursor, and their count.

    Reads the index in growing chunks after the cursor until ``limit`` are found, so a
    page costs what it skips over, not the size of the project."""
    at, last_id = after if after else (None, None)
    found: list[Contribution] = []
    chunk = max(4 * limit, 256)
    while len(found) < limit:
        rows = await conn.fetch(sql.UNCOVERED_CHUNK, project_id, *window.args(), at, last_id, chunk)
        found += [_contribution(r) for r in rows if r["uncovered"]]
        if len(rows) < chunk:
            break
        at, last_id = rows[-1]["occurred_at"], rows[-1]["id"]
        chunk = min(chunk * 4, MAX_CHUNK)
    total = await conn.fetchval(sql.UNCOVERED_COUNT, project_id, *window.args())
    return found[:limit], int(total)


async def by_contributor(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    after_contributor: int | None,
    limit: int,
) -> tuple[list[ContributorCoverage], int]:
    """Each contributor's covered and total counts and the grants covering them."""
    rows = await conn.fetch(
        sql.BY_CONTRIBUTOR, project_id, None, None, None, after_contributor, limit
    )
    total = await conn.fetchval(sql.CONTRIBUTOR_COUNT, project_id)
    found = [
        ContributorCoverage(
            r["contributor_id"], r["total"], r["covered"], sorted(r["grant_ids"] or [])
        )
        for r in rows
    ]
    return found, int(total)


async def of_contributor(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, contributor_id: int
) -> ContributorCoverage:
    """One contributor's covered and total counts and the grants covering them."""
    row = await conn.fetchrow(sql.OF_CONTRIBUTOR, project_id, None, None, None, contributor_id)
    assert row is not None  # an aggregate always answers one row
    return ContributorCoverage(
        contributor_id, row["total"], row["covered"], sorted(row["grant_ids"] or [])
    )


@dataclass(frozen=True, slots=True)
class GrantLine:
    """A grant as a profile lists it."""

    number: int
    instrument: str
    license_expression: str | None
    effective_at: datetime
    withdrawn_at: datetime | None


async def contributor_licensing(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, contributor_id: int, grants: int
) -> tuple[ContributorCoverage, list[GrantLine]]:
    """One contributor's coverage counts (without the covering grants' ids) and their
    latest ``grants``, in one statement."""
    row = await conn.fetchrow(sql.PROFILE, project_id, None, None, None, contributor_id, grants)
    assert row is not None  # an aggregate always answers one row
    found = ContributorCoverage(contributor_id, row["total"], row["covered"], [])
    return found, [GrantLine(*g) for g in row["grants"]]


async def covering_grant(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, contribution_id: int
) -> int | None:
    """The id of the grant covering one contribution, or None."""
    value = await conn.fetchval(sql.ONE, project_id, None, None, None, contribution_id)
    return int(value) if value is not None else None


async def corporate(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, window: Window
) -> dict[int, list[int]]:
    """Per corporate grant, the window's counted contributions it covers (through whom it
    authorises, which is private evidence)."""
    if not await conn.fetchval(sql.HAS_CORPORATE, project_id):
        return {}
    rows = await conn.fetch(sql.CORPORATE_COVERED, project_id, *window.args())
    return {r["grant_id"]: list(r["ids"]) for r in rows}


def required_kinds(settings: dict[str, object]) -> list[str]:
    """The kinds a project requires coverage for (from its settings)."""
    value = settings.get(REQUIRED_SETTING)
    return sorted(str(k) for k in value) if isinstance(value, list) else []


def percentage(covered: int, total: int) -> float:
    """Covered share in percent with two decimals (100 when there is nothing to cover)."""
    return round(100.0 * covered / total, 2) if total else 100.0
