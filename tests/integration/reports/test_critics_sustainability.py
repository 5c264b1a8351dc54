"""Cohort retention and the quarterly trend in SQL against ``seed_cohorts``."""

from __future__ import annotations

import asyncpg

from reports import critics
from reports.period import parse_period
from tests.integration.reports.critics_seed import seed_cohorts

FUNDING = {"runway": {"months": 6}, "concentration": []}


def _row(quarter: str, n: int, active: int, absence: int, elephant: int) -> dict[str, object]:
    return {
        "quarter": quarter, "contributions": n, "credit": str(n), "active_contributors": active,
        "absence_factor": {"by_count": absence, "by_credit": absence},
        "elephant_factor": {"by_count": elephant, "by_credit": elephant},
    }  # fmt: skip


async def test_cohorts_keep_their_people_quarter_by_quarter(pool: asyncpg.Pool) -> None:
    seeded = await seed_cohorts(pool)
    found = await critics.sustainability(pool, seeded.project_id, parse_period("2025"), FUNDING)
    assert found["quarters"] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert found["retention"] == [
        {"cohort": "2025-Q1", "size": 2, "retained": [1, 1, 1],
         "shares": ["0.5000", "0.5000", "0.5000"]},
        {"cohort": "2025-Q2", "size": 1, "retained": [1, 0], "shares": ["1.0000", "0.0000"]},
        {"cohort": "2025-Q3", "size": 1, "retained": [0], "shares": ["0.0000"]},
        {"cohort": "2025-Q4", "size": 0, "retained": [], "shares": []},
    ]  # fmt: skip
    assert found["trend"] == [
        _row("2025-Q1", 4, 2, 1, 1),
        _row("2025-Q2", 2, 2, 1, 1),
        _row("2025-Q3", 3, 3, 2, 1),
        _row("2025-Q4", 1, 1, 1, 1),
    ]
    assert found["funding"] == FUNDING


async def test_a_period_ending_inside_a_month_cuts_its_last_quarter_there(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed_cohorts(pool)
    period = parse_period("2025-01-01..2025-11-15")
    found = await critics.sustainability(pool, seeded.project_id, period, FUNDING)
    assert found["retention"][0]["retained"] == [1, 1, 0]
    assert found["trend"][-1] == _row("2025-Q4", 0, 0, 0, 0)


async def test_a_project_without_contributions_in_the_window_shows_no_quarters(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed_cohorts(pool)
    found = await critics.sustainability(pool, seeded.project_id, parse_period("2022"), FUNDING)
    assert (found["quarters"], found["retention"], found["trend"]) == ([], [], [])
