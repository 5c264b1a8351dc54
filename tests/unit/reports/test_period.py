"""Report periods parse into half-open UTC ranges, or are refused with the forms named."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.kernel.errors import InvalidInput
from reports.period import parse_period


@pytest.mark.parametrize(
    ("label", "kind", "start", "end", "aligned"),
    [
        ("2026-07", "month", date(2026, 7, 1), date(2026, 8, 1), True),
        ("2026-12", "month", date(2026, 12, 1), date(2027, 1, 1), True),
        ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 10, 1), True),
        ("2026-Q4", "quarter", date(2026, 10, 1), date(2027, 1, 1), True),
        ("2026", "year", date(2026, 1, 1), date(2027, 1, 1), True),
        ("2026-01-01..2026-03-31", "custom", date(2026, 1, 1), date(2026, 4, 1), True),
        ("2026-01-15..2026-01-15", "custom", date(2026, 1, 15), date(2026, 1, 16), False),
    ],
)
def test_each_period_form_parses_to_a_half_open_range(
    label: str, kind: str, start: date, end: date, aligned: bool
) -> None:
    period = parse_period(label)
    assert (period.label, period.kind, period.start, period.end) == (label, kind, start, end)
    assert period.month_aligned is aligned


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2026-13", "no month 13"),
        ("2026-Q5", "unknown period"),
        ("last week", "use 2026-07, 2026-Q3, 2026 or 2026-01-01..2026-03-31"),
        ("2026-02-30..2026-03-01", "not a calendar date"),
        ("2026-03-01..2026-02-01", "must not end before it starts"),
        ("1900", "between 1970 and 9998"),
        ("1990-01-01..2026-01-01", "at most 20 years"),
    ],
)
def test_a_malformed_period_is_refused_with_a_clear_reason(label: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as error:
        parse_period(label)
    assert error.value.field == "period"
