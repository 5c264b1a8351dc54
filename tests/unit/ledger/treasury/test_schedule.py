from __future__ import annotations

import calendar
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ledger.treasury.schedule import Pledged, add_months, due_date, installments, open_pledges


def test_installments_fall_on_the_same_day_or_the_last_day_of_a_shorter_month() -> None:
    start = date(2026, 1, 31)
    assert [due_date(start, "monthly", n) for n in range(1, 5)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert due_date(date(2024, 2, 29), "yearly", 2) == date(2025, 2, 28)
    assert due_date(date(2026, 11, 15), "quarterly", 3) == date(2027, 5, 15)


def test_a_schedule_stops_at_its_period_end_and_from_its_cancellation() -> None:
    start = date(2026, 1, 10)
    due = list(installments(start, "monthly", date(2026, 12, 31)))
    assert [n for n, _ in due] == list(range(1, 13))
    ended = list(installments(start, "monthly", date(2026, 12, 31), period_end=date(2026, 3, 10)))
    assert ended == [(1, date(2026, 1, 10)), (2, date(2026, 2, 10)), (3, date(2026, 3, 10))]
    cancelled = list(
        installments(start, "monthly", date(2026, 12, 31), cancelled_from=date(2026, 3, 10))
    )
    assert [n for n, _ in cancelled] == [1, 2]
    assert list(installments(start, "yearly", date(2026, 1, 9))) == []


def _pledge(tx: int, day: int, minor: int) -> Pledged:
    return Pledged(tx, date(2026, 1, day), date(2026, 1, day), minor)


def test_receipts_settle_the_oldest_pledges_first() -> None:
    pledges = [_pledge(1, 1, 100), _pledge(2, 5, 100), _pledge(3, 9, 100)]
    found = open_pledges(pledges, 150)
    assert [(o.pledge.transaction_id, o.open_minor) for o in found] == [(2, 50), (3, 100)]
    assert open_pledges(pledges, 0) == []
    assert [o.overdue(date(2026, 1, 9)) for o in found] == [True, False]


@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)), st.integers(-1200, 1200))
def test_moving_by_months_keeps_the_day_or_the_months_last_day(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])
