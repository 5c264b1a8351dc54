"""The money of a report beyond what each sponsor gave: where each rule lives.

- the books a report reads, from the tables or from the journal's events -> ``books``
- spending, reversals and refunds, balances per fund and in the reporting currency,
  outstanding pledges, in-kind support, fees -> ``figures``
- runway, funding concentration per quarter, share approved by vote -> ``sustainability``

``money_figures(books, period)`` is every one of them, under the keys the report's
``funding`` section prints them with (``MONEY_KEYS``); ``reports.sections`` builds them
from the tables, ``reports.recompute_funding`` from the events, and ``commons verify``
compares the two.
"""

from __future__ import annotations

from typing import Any

from reports.funding import figures, sustainability
from reports.funding.books import Books
from reports.period import Period

MONEY_KEYS = (
    "reporting",
    "balances",
    "spending",
    "corrections",
    "pledges",
    "in_kind",
    "fees",
    "runway",
    "concentration",
    "approved_by_vote",
)


def money_figures(books: Books, period: Period) -> dict[str, Any]:
    """Every money figure of the period, keyed as in ``MONEY_KEYS``."""
    return {
        "reporting": figures.reporting(books, period),
        "balances": figures.balances(books, period),
        "spending": figures.spending(books, period),
        "corrections": figures.corrections(books, period),
        "pledges": figures.pledges(books, period),
        "in_kind": figures.in_kind(books, period),
        "fees": figures.fees(books, period),
        "runway": sustainability.runway(books, period),
        "concentration": sustainability.concentration(books, period),
        "approved_by_vote": sustainability.approved_by_vote(books, period),
    }
