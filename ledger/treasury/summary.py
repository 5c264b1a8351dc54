"""A project's funding at a glance, from the books: money held per currency (and in one
reporting currency at rates the reader states), pledges still outstanding per
sponsor, and what each sponsor paid per period (receipts net of refunds and
reversals, as they reached the treasury's funds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import asyncpg

from ledger.kernel.money import Money, check_currency, exponent, parse_rate

PERIODS = ("month", "quarter", "year")
_HELD = """
SELECT currency, sum(balance)::bigint AS balance FROM treasury_accounts
WHERE project_id = $1 AND kind = 'treasury' GROUP BY currency ORDER BY currency
"""
_NAMES = """
SELECT s.id, coalesce(o.name, c.display_name) AS name FROM treasury_sponsors s
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
WHERE s.project_id = $1
"""
_OUTSTANDING = """
SELECT sponsor_id, currency, balance::bigint AS balance FROM treasury_accounts
WHERE project_id = $1 AND kind = 'receivable' AND balance > 0
ORDER BY balance DESC, sponsor_id, currency
"""
# Money that reached (or left) a treasury fund in a transaction concerning a sponsor:
# receipts in, refunds out, reversals either way; pledges touch no fund.
_RECEIVED = """
SELECT t.sponsor_id, a.currency, date_trunc($2, t.occurred_on)::date AS period,
    sum(e.amount)::bigint AS amount
FROM treasury_transactions t
JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
WHERE t.project_id = $1 AND t.sponsor_id IS NOT NULL AND a.kind = 'treasury'
    AND ($3::date IS NULL OR t.occurred_on >= $3) AND ($4::date IS NULL OR t.occurred_on <= $4)
GROUP BY 1, 2, 3 HAVING sum(e.amount) <> 0 ORDER BY 3, 1, 2
"""


@dataclass(frozen=True, slots=True)
class SponsorAmount:
    """An amount owed or paid by one sponsor (in one period, for payments)."""

    sponsor: int
    name: str
    amount: Money
    period: date | None = None


@dataclass(frozen=True, slots=True)
class Converted:
    """Money held in one reporting currency, and what could not be converted."""

    total: Money
    rates: dict[str, Decimal]
    unconverted: list[str]


@dataclass(frozen=True, slots=True)
class Summary:
    held: list[Money]
    outstanding: list[SponsorAmount]
    received: list[SponsorAmount]


def check_rates(rates: dict[str, str], field: str = "rates") -> dict[str, Decimal]:
    """Stated rates (currency -> units of the reporting currency per unit), checked."""
    return {
        check_currency(c, f"{field}.currency"): parse_rate(r, f"{field}.rate")
        for c, r in rates.items()
    }


def in_currency(held: list[Money], currency: str, rates: dict[str, Decimal]) -> Converted:
    """The sum of ``held`` in ``currency`` at ``rates`` (the reporting currency at 1),
    rounded half-even once to its minor unit; currencies without a stated rate are
    listed, not guessed."""
    target = check_currency(currency, "reportingCurrency")
    unconverted: list[str] = []
    used: dict[str, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 80
        exact = Decimal(0)
        for money in held:
            rate = Decimal(1) if money.currency == target else rates.get(money.currency)
            if rate is None:
                unconverted.append(money.currency)
                continue
            if money.currency != target:
                used[money.currency] = rate
            shift = exponent(target) - exponent(money.currency)
            exact += Decimal(money.minor) * rate * Decimal(10) ** shift
        minor = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    return Converted(Money(minor, target), used, unconverted)


async def summary(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    period: str,
    since: date | None = None,
    until: date | None = None,
) -> Summary:
    """Held per currency, outstanding pledges, and receipts per sponsor and ``period``
    (``since``..``until`` value dates, inclusive)."""
    assert period in PERIODS
    names = {r["id"]: r["name"] for r in await conn.fetch(_NAMES, project_id)}
    held = [Money(r["balance"], r["currency"]) for r in await conn.fetch(_HELD, project_id)]
    outstanding = [
        SponsorAmount(
            r["sponsor_id"], names.get(r["sponsor_id"], ""), Money(r["balance"], r["currency"])
        )
        for r in await conn.fetch(_OUTSTANDING, project_id)
    ]
    received = [
        SponsorAmount(
            r["sponsor_id"],
            names.get(r["sponsor_id"], ""),
            Money(r["amount"], r["currency"]),
            r["period"],
        )
        for r in await conn.fetch(_RECEIVED, project_id, period, since, until)
    ]
    return Summary(held, outstanding, received)
