"""The pure definitions behind the quality, sustainability and rules figures."""

from __future__ import annotations

from datetime import date

import pytest

from reports.critics.measures import (
    Quarter,
    cohort_counts,
    from_first_active,
    nearest_rank,
    quarter_index,
    retention,
    spread,
    window,
    work_share,
)
from reports.period import parse_period


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([], 50, None),
        ([7], 50, 7),
        ([7], 90, 7),
        ([1, 2, 3, 4], 50, 2),  # the lower middle of an even count
        ([1, 2, 3, 4, 5], 50, 3),
        ([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90, 90),  # rank 9, not 10
        ([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 90, 100),  # rank ceil(9.9) = 10
        ([5, 5, 5, 9], 90, 9),
    ],
)
def test_nearest_rank_percentiles(values: list[int], percent: int, expected: int | None) -> None:
    assert nearest_rank(values, percent) == expected


def test_spread_sorts_before_ranking() -> None:
    assert spread([345_600, 3600, 7200]) == {"median_seconds": 7200, "p90_seconds": 345_600}
    assert spread([]) == {"median_seconds": None, "p90_seconds": None}


def test_the_window_is_eight_quarters_ending_with_the_period_cut_at_its_end() -> None:
    quarters = window(parse_period("2026-01-01..2026-05-14"))
    assert [q.label for q in quarters] == [
        "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"
    ]  # fmt: skip
    assert (quarters[0].start, quarters[-1].start, quarters[-1].end) == (
        date(2024, 7, 1), date(2026, 4, 1), date(2026, 5, 15)
    )  # fmt: skip
    assert window(parse_period("2025"))[-1] == Quarter(quarter_index(date(2025, 12, 31)),
                                                        date(2025, 10, 1), date(2026, 1, 1))  # fmt: skip


def test_quarters_are_shown_from_the_first_active_one() -> None:
    quarters = window(parse_period("2025"))
    shown = from_first_active(quarters, {quarter_index(date(2025, 4, 2))})
    assert [q.label for q in shown] == ["2025-Q2", "2025-Q3", "2025-Q4"]
    assert from_first_active(quarters, set()) == []


def test_retention_counts_each_cohort_in_every_later_quarter() -> None:
    q1, q2, q3 = (quarter_index(date(2025, m, 1)) for m in (1, 4, 7))
    first = {1: q1, 2: q1, 3: q2}
    active = {1: [q1, q3, q3], 2: [q1, q2], 3: [q2, q3]}
    sizes, kept = cohort_counts(first, active)
    assert sizes == {q1: 2, q2: 1}
    assert kept == {(q1, q3): 1, (q1, q2): 1, (q2, q3): 1}
    quarters = window(parse_period("2025-Q3"))[-3:]
    assert retention(quarters, sizes, kept) == [
        {"cohort": "2025-Q1", "size": 2, "retained": [1, 1], "shares": ["0.5000", "0.5000"]},
        {"cohort": "2025-Q2", "size": 1, "retained": [1], "shares": ["1.0000"]},
        {"cohort": "2025-Q3", "size": 0, "retained": [], "shares": []},
    ]


def test_work_share_counts_test_and_documentation_kinds() -> None:
    by_kind = [{"kind": "code", "contributions": 6}, {"kind": "test", "contributions": 2},
               {"kind": "doc", "contributions": 1}, {"kind": "tutorial", "contributions": 1}]  # fmt: skip
    assert work_share(by_kind, 10) == {
        "contributions": 10, "test": 2, "test_share": "0.2000", "doc": 2, "doc_share": "0.2000",
        "test_kinds": ["test"], "doc_kinds": ["doc", "tutorial"],
    }  # fmt: skip
    assert work_share([], 0)["test_share"] is None
