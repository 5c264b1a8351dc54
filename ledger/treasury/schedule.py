"""Recurring pledges and open pledges (pure, no I/O).

A recurring pledge promises its amount every period (monthly, quarterly, yearly) from
its sponsorship's ``period_start``: installment ``n`` falls due ``n - 1`` periods later,
on the same day of the month or the month's last day when it is shorter (31 January,
28 February, 31 March). Installments stop after ``period_end`` and from a
cancellation's ``effective_on``. Each due installment is posted as a pledge dated and
due on its due date: a receivable per period.

Receipts settle a sponsor's pledges in one currency oldest first, so what is still
open is the newest pledges' share of the receivable balance (``open_pledges``); an
open pledge is overdue once its due date has passed.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

STEP_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept within the target month."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_date(start: date, recurrence: str, installment: int) -> date:
    """When installment ``installment`` (1 for the first) of a schedule falls due."""
    return add_months(start, STEP_MONTHS[recurrence] * (installment - 1))


def installments(
    start: date,
    recurrence: str,
    until: date,
    period_end: date | None = None,
    cancelled_from: date | None = None,
) -> Iterator[tuple[int, date]]:
    """(number, due date) of every installment due on or before ``until``."""
    n = 1
    while True:
        due = due_date(start, recurrence, n)
        if due > until or (period_end is not None and due > period_end):
            return
        if cancelled_from is not None and due >= cancelled_from:
            return
        yield n, due
        n += 1


@dataclass(frozen=True, slots=True)
class Pledged:
    """A pledge still standing (not reversed) of one sponsor in one currency."""

    transaction_id: int
    occurred_on: date
    due_on: date
    minor: int


@dataclass(frozen=True, slots=True)
class OpenPledge:
    pledge: Pledged
    open_minor: int

    def overdue(self, as_of: date) -> bool:
        """Still open after its due date."""
        return self.pledge.due_on < as_of


def open_pledges(pledges: Sequence[Pledged], receivable: int) -> list[OpenPledge]:
    """The pledges a receivable balance still holds open, oldest first: receipts settle
    the oldest pledges first, so the balance is the newest pledges' share."""
    left = max(0, receivable)
    found: list[OpenPledge] = []
    for pledge in sorted(pledges, key=lambda p: (p.occurred_on, p.transaction_id), reverse=True):
        if left <= 0:
            break
        share = min(left, pledge.minor)
        found.append(OpenPledge(pledge, share))
        left -= share
    return found[::-1]
