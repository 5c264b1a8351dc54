"""Report periods: a month ``2026-07``, a quarter ``2026-Q3``, a year ``2026`` or a
custom inclusive range ``2026-01-01..2026-03-31``; always half-open ``[start, end)`` in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from ledger.kernel.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MAX_DAYS = 366 * 20


@dataclass(frozen=True, slots=True)
class Period:
    """A labelled half-open range of days."""

    label: str
    kind: str
    start: date
    end: date

    @property
    def month_aligned(self) -> bool:
        """True when whole months are covered (the monthly rollups answer it)."""
        return self.start.day == 1 and self.end.day == 1

    @property
    def start_at(self) -> datetime:
        """The first instant (UTC)."""
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (UTC)."""
        return datetime.combine(self.end, time(), UTC)

    def contains(self, at: datetime) -> bool:
        """Whether an instant falls in the period."""
        return self.start_at <= at < self.end_at


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def _year(text: str) -> int:
    year = int(text)
    if not 1970 <= year <= 9998:
        raise InvalidInput("the year must lie between 1970 and 9998", "period")
    return year


def parse_period(text: str) -> Period:
    """A Period from its label; InvalidInput naming the accepted forms otherwise."""
    text = text.strip()
    if m := _MONTH.match(text):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise InvalidInput(f"no month {month} in {text!r}", "period")
        start = date(_year(m.group(1)), month, 1)
        return Period(text, "month", start, _add_months(start, 1))
    if m := _QUARTER.match(text):
        start = date(_year(m.group(1)), 3 * int(m.group(2)) - 2, 1)
        return Period(text, "quarter", start, _add_months(start, 3))
    if m := _YEAR.match(text):
        year = _year(m.group(1))
        return Period(text, "year", date(year, 1, 1), date(year + 1, 1, 1))
    if m := _RANGE.match(text):
        try:
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError as exc:
            raise InvalidInput(f"not a calendar date in {text!r}: {exc}", "period") from None
        _year(str(first.year)), _year(str(last.year))
        if last < first:
            raise InvalidInput("a custom period must not end before it starts", "period")
        if (last - first).days > MAX_DAYS:
            raise InvalidInput("a custom period spans at most 20 years", "period")
        return Period(text, "custom", first, date.fromordinal(last.toordinal() + 1))
    raise InvalidInput(
        f"unknown period {text!r}: use 2026-07, 2026-Q3, 2026 or 2026-01-01..2026-03-31",
        "period",
    )
