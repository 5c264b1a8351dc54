"""The money of a period, as pure functions of the books (``reports.funding.books``):
spending with who approved it, reversals and refunds linked to what they undo (a
refund to the receipt it returns, when it names one),
balances per fund and currency at the period's start and end and in the reporting
currency at stated rates, outstanding pledges with due dates, in-kind support and
fees. Sustainability figures are in ``reports.funding.sustainability``.

Money is printed as ``<x>_minor`` (integer minor units as text: RFC 8785 numbers stop
at 2**53) beside ``<x>`` (the decimal amount) and its ``currency``. Balances are
taken at the start of the period's first day and of the day after its last (entries
dated before them); pledges and their due dates as at the end of the last day, a
pledge still open after its due date being overdue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ledger.kernel.money import exponent, format_minor
from ledger.treasury.schedule import Pledged, open_pledges
from reports.funding.books import Books, Posting, Rate
from reports.period import Period


def money(prefix: str, minor: int, currency: str) -> dict[str, str]:
    """``{prefix}_minor`` and ``{prefix}`` of an amount."""
    return {f"{prefix}_minor": str(minor), prefix: format_minor(minor, currency)}


def last_day(period: Period) -> date:
    return period.end - timedelta(days=1)


def leg_sum(postings: Iterable[Posting], kind: str) -> dict[str, int]:
    """Net of the legs on accounts of ``kind``, per currency."""
    found: dict[str, int] = defaultdict(int)
    for p in postings:
        for leg in p.legs:
            if leg.kind == kind:
                found[leg.currency] += leg.minor
    return found


def held_before(books: Books, day: date) -> dict[tuple[str, str], int]:
    """Money held per (fund, currency) from the entries dated before ``day``."""
    held: dict[tuple[str, str], int] = defaultdict(int)
    for p in books.postings:
        if p.occurred_on < day:
            for leg in p.legs:
                if leg.kind == "treasury":
                    held[(leg.name, leg.currency)] += leg.minor
    return held


def stated_rates(books: Books, currencies: Iterable[str], on: date) -> dict[str, Rate]:
    """The latest rate into the reporting currency quoted on or before ``on``."""
    found: dict[str, Rate] = {}
    for r in books.rates:
        if r.quote != books.reporting_currency or r.currency not in currencies or r.quoted_on > on:
            continue
        if r.currency not in found or r.quoted_on > found[r.currency].quoted_on:
            found[r.currency] = r
    return found


def valued(minor: int, currency: str, target: str, rates: dict[str, Rate]) -> int | None:
    """``minor`` of ``currency`` in ``target`` at its stated rate, half-even (None
    without a rate)."""
    if currency == target:
        return minor
    rate = rates.get(currency)
    if rate is None:
        return None
    exact = Decimal(minor) * rate.rate * Decimal(10) ** (exponent(target) - exponent(currency))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def balances(books: Books, period: Period) -> list[dict[str, Any]]:
    """Money held per fund and currency at the period's start and end."""
    start, end = held_before(books, period.start), held_before(books, period.end)
    return [
        {"fund": fund, "currency": currency,
         **money("start", start.get((fund, currency), 0), currency),
         **money("end", end.get((fund, currency), 0), currency)}
        for fund, currency in sorted(set(start) | set(end), key=lambda k: (k[1], k[0]))
        if start.get((fund, currency)) or end.get((fund, currency))
    ]  # fmt: skip


def reporting(books: Books, period: Period) -> dict[str, Any] | None:
    """Balances in the reporting currency at the rates stated by the period's last day;
    currencies without a rate are named and left out of the totals."""
    target = books.reporting_currency
    if target is None:
        return None
    start, end = held_before(books, period.start), held_before(books, period.end)
    currencies = {c for _, c in set(start) | set(end)}
    rates = stated_rates(books, currencies, last_day(period))
    totals = []
    for held in (start, end):
        values = [valued(minor, c, target, rates) for (_, c), minor in held.items()]
        totals.append(sum(v for v in values if v is not None))
    return {
        "currency": target,
        "as_of": last_day(period).isoformat(),
        "rates": [
            {
                "currency": r.currency,
                "rate": str(r.rate),
                "quoted_on": r.quoted_on.isoformat(),
                "source": r.source,
            }
            for r in sorted(rates.values(), key=lambda r: r.currency)
        ],
        "unvalued": sorted(c for c in currencies if c != target and c not in rates),
        **money("start", totals[0], target),
        **money("end", totals[1], target),
    }


def _reversals(books: Books) -> dict[int, Posting]:
    return {p.reverses: p for p in books.postings if p.reverses is not None}


def spending(books: Books, period: Period) -> list[dict[str, Any]]:
    """Every expense of the period with its payee, amount and approval, and the
    reversal that undid it, if any."""
    undone = _reversals(books)
    rows = []
    for p in books.postings:
        if p.kind != "expense" or not period.start <= p.occurred_on < period.end:
            continue
        leg = next(x for x in p.legs if x.kind == "expense")
        fund = next(x.name for x in p.legs if x.kind == "treasury")
        approval = books.approvals.get(p.approval or 0)
        rows.append({
            "transaction_id": p.id, "occurred_on": p.occurred_on.isoformat(), "payee": p.payee,
            "category": leg.name, "fund": fund, "currency": leg.currency,
            **money("amount", leg.minor, leg.currency),
            "approval_id": p.approval,
            "approved_by": "vote" if approval and approval.source == "proposal" else "maintainer",
            "proposal_id": approval.proposal if approval else None,
            "approver": approval.approved_by if approval else None,
            "reversed_by": undone[p.id].id if p.id in undone else None,
        })  # fmt: skip
    return rows


def corrections(books: Books, period: Period) -> dict[str, list[dict[str, Any]]]:
    """The period's reversals (each naming what it undid) and refunds."""
    kinds = {p.id: p.kind for p in books.postings}
    undone = _reversals(books)
    inside = [p for p in books.postings if period.start <= p.occurred_on < period.end]
    reversals = [
        {"transaction_id": p.id, "occurred_on": p.occurred_on.isoformat(), "reverses": p.reverses,
         "reverses_kind": kinds.get(p.reverses or 0)}
        for p in inside if p.kind == "reversal"
    ]  # fmt: skip
    refunds = []
    for p in inside:
        if p.kind == "refund":
            leg = next(x for x in p.legs if x.kind == "treasury")
            currency, minor = leg.currency, -leg.minor
            refunds.append({
                "transaction_id": p.id, "occurred_on": p.occurred_on.isoformat(),
                "sponsor_id": p.sponsor, "currency": currency, **money("amount", minor, currency),
                "refund_of": p.refund_of,
                "reversed_by": undone[p.id].id if p.id in undone else None,
            })  # fmt: skip
    return {"reversals": reversals, "refunds": refunds}


def pledges(books: Books, period: Period) -> dict[str, Any]:
    """Pledges still open at the end of the period's last day, oldest settled first."""
    as_of = last_day(period)
    dated = [p for p in books.postings if p.occurred_on < period.end]
    undone = {p.reverses for p in dated if p.reverses is not None}
    owed: dict[tuple[int, str], int] = defaultdict(int)
    standing: dict[tuple[int, str], list[tuple[Pledged, Posting]]] = defaultdict(list)
    for p in dated:
        for leg in p.legs:
            if leg.kind != "receivable":
                continue
            pair = (int(leg.name), leg.currency)
            owed[pair] += leg.minor
            if p.kind == "pledge" and p.id not in undone:
                pledged = Pledged(p.id, p.occurred_on, p.due_on or p.occurred_on, leg.minor)
                standing[pair].append((pledged, p))
    rows: list[dict[str, Any]] = []
    for pair, balance in owed.items():
        by_id = {pl.transaction_id: p for pl, p in standing[pair]}
        for item in open_pledges([pl for pl, _ in standing[pair]], balance):
            p, currency = by_id[item.pledge.transaction_id], pair[1]
            rows.append({
                "transaction_id": p.id, "sponsor_id": pair[0], "sponsorship_id": p.sponsorship,
                "installment": p.installment, "occurred_on": p.occurred_on.isoformat(),
                "due_on": item.pledge.due_on.isoformat(), "currency": currency,
                **money("pledged", item.pledge.minor, currency),
                **money("open", item.open_minor, currency), "overdue": item.overdue(as_of),
            })  # fmt: skip
    rows.sort(key=lambda r: (r["due_on"], r["transaction_id"]))
    totals = []
    for currency in sorted({r["currency"] for r in rows}):
        mine = [r for r in rows if r["currency"] == currency]
        late = sum(int(r["open_minor"]) for r in mine if r["overdue"])
        totals.append({"currency": currency,
                       **money("open", sum(int(r["open_minor"]) for r in mine), currency),
                       **money("overdue", late, currency)})  # fmt: skip
    return {"as_of": as_of.isoformat(), "outstanding": rows, "totals": totals}


def in_kind(books: Books, period: Period) -> list[dict[str, Any]]:
    """In-kind support valued in the period, per sponsor, category and currency (net of
    reversals dated in the period)."""
    found: dict[tuple[int, str, str], int] = defaultdict(int)
    for p in books.postings:
        if p.sponsor is None or not period.start <= p.occurred_on < period.end:
            continue
        for leg in p.legs:
            if leg.kind == "in_kind_use":
                found[(p.sponsor, leg.name, leg.currency)] += leg.minor
    return [
        {"sponsor_id": s, "category": category, "currency": c, **money("value", minor, c)}
        for (s, category, c), minor in sorted(found.items(), key=lambda i: (i[0][2], i[0][:2]))
        if minor
    ]  # fmt: skip


def fees(books: Books, period: Period) -> list[dict[str, Any]]:
    """Per currency: receipts gross, the processor's and the host's fees, and net."""
    inside = [p for p in books.postings if period.start <= p.occurred_on < period.end]
    gross = leg_sum((p for p in inside if p.kind == "receipt"), "treasury")
    charged: dict[tuple[str, str], int] = defaultdict(int)
    for p in inside:
        for leg in p.legs:
            if leg.kind == "fee":
                charged[(leg.name, leg.currency)] += leg.minor
    rows = []
    for currency in sorted(set(gross) | {c for _, c in charged}):
        processor, host = charged[("processor", currency)], charged[("host", currency)]
        total = gross.get(currency, 0)
        rows.append({"currency": currency, **money("gross", total, currency),
                     **money("processor_fees", processor, currency),
                     **money("host_fees", host, currency),
                     **money("net", total - processor - host, currency)})  # fmt: skip
    return rows
