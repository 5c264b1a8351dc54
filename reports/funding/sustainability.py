"""Is the funding sustainable? Pure functions of the books (``reports.funding.books``):

- runway: how many months of average spending the money held at the period's end
  covers. Spending is what expense and fee accounts were debited (net of reversals)
  over the six calendar months ending with the period's last month, or since the
  books' first month when they are younger; the average divides by those months.
  Per currency, and in the reporting currency at the stated rates when every
  currency has one. One decimal place, half-even; null when nothing was spent.
- funding concentration over time: for the four calendar quarters ending with the
  one of the period's last day (each cut at the period's end), money received per
  sponsor (as ``ledger.treasury.metrics`` counts it) and its funding elephant factor
  per currency (CHAOSS's elephant factor applied to money, ``reports.figures``).
- share of spending approved by vote: of the period's expenses not reversed, the
  amount (per currency) and the number whose approval came from a passed proposal.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ledger.treasury.schedule import add_months
from reports.figures import absence_factor, share
from reports.funding.books import Books
from reports.funding.figures import held_before, last_day, leg_sum, money, stated_rates, valued
from reports.period import Period

RUNWAY_MONTHS = 6


def _months(balance: int, spent: int, months: int) -> str | None:
    if spent <= 0:
        return None
    runway = Decimal(balance) * months / Decimal(spent)
    return str(runway.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN))


def runway(books: Books, period: Period) -> dict[str, Any]:
    """Months of average spending the money held at the period's end covers."""
    last = last_day(period)
    window = add_months(last.replace(day=1), 1 - RUNWAY_MONTHS)
    if books.postings:
        first = min(p.occurred_on for p in books.postings).replace(day=1)
        window = max(window, min(first, last.replace(day=1)))
    months = (last.year * 12 + last.month) - (window.year * 12 + window.month) + 1
    inside = [p for p in books.postings if window <= p.occurred_on < period.end]
    spent = defaultdict(int, leg_sum(inside, "expense"))
    for currency, minor in leg_sum(inside, "fee").items():
        spent[currency] += minor
    held: dict[str, int] = defaultdict(int)
    for (_, currency), minor in held_before(books, period.end).items():
        held[currency] += minor
    rows = [
        {"currency": c, **money("balance", held[c], c), **money("spent", spent[c], c),
         "months_of_spending": _months(held[c], spent[c], months)}
        for c in sorted(set(held) | set(spent)) if held[c] or spent[c]
    ]  # fmt: skip
    target = books.reporting_currency
    total = None
    if target is not None:
        rates = stated_rates(books, set(held) | set(spent), last)
        values = [
            (valued(held[c], c, target, rates), valued(spent[c], c, target, rates))
            for c in set(held) | set(spent)
        ]
        if all(h is not None and s is not None for h, s in values):
            balance = sum(h or 0 for h, _ in values)
            cost = sum(s or 0 for _, s in values)
            total = {"currency": target, **money("balance", balance, target),
                     **money("spent", cost, target),
                     "months_of_spending": _months(balance, cost, months)}  # fmt: skip
    return {"since": window.isoformat(), "months": months, "by_currency": rows, "reporting": total}


def _quarter(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def concentration(books: Books, period: Period) -> list[dict[str, Any]]:
    """Funding elephant factor per quarter and currency, the last four quarters."""
    last_quarter = _quarter(last_day(period))
    rows = []
    for back in (9, 6, 3, 0):
        start = add_months(last_quarter, -back)
        end = min(add_months(start, 3), period.end)
        received: dict[tuple[str, int], int] = defaultdict(int)
        for p in books.postings:
            if p.sponsor is None or not start <= p.occurred_on < end:
                continue
            for leg in p.legs:
                if leg.kind == "treasury":
                    received[(leg.currency, p.sponsor)] += leg.minor
        label = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        for currency in sorted({c for c, _ in received}):
            amounts = [m for (c, _), m in received.items() if c == currency]
            positive = [m for m in amounts if m > 0]
            rows.append({
                "quarter": label, "currency": currency, **money("total", sum(amounts), currency),
                "sponsors": len(positive), "funding_elephant_factor": absence_factor(positive),
            })  # fmt: skip
    return rows


def approved_by_vote(books: Books, period: Period) -> dict[str, Any]:
    """The share of the period's standing expenses a passed proposal approved."""
    undone = {p.reverses for p in books.postings if p.reverses is not None}
    spent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    count = voted = 0
    for p in books.postings:
        if p.kind != "expense" or p.id in undone:
            continue
        if not period.start <= p.occurred_on < period.end:
            continue
        approval = books.approvals.get(p.approval or 0)
        by_vote = approval is not None and approval.source == "proposal"
        count, voted = count + 1, voted + by_vote
        for leg in p.legs:
            if leg.kind == "expense":
                spent[leg.currency][0] += leg.minor
                spent[leg.currency][1] += leg.minor if by_vote else 0
    return {
        "expenses": count,
        "by_vote": voted,
        "share": share(voted, count),
        "by_currency": [
            {
                "currency": c,
                **money("spent", total, c),
                **money("by_vote", vote, c),
                "share": share(vote, total),
            }
            for c, (total, vote) in sorted(spent.items())
        ],
    }
