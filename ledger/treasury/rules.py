"""The treasury's posting rules (pure): the legs each kind of movement posts, the
balance check, and the policy every account keeps.

Entries are signed minor units: a debit is positive, a credit negative, so a
transaction balances when its amounts sum to zero in each currency. Accounts:

    treasury:<fund>      money held (asset)           may not go below zero unless allowed
    receivable:<sponsor> pledged, not yet received    never below zero
    income:<sponsor>     funding recognised           income + receivable <= 0 (no refund
                                                      beyond what the sponsor paid)
    expense:<category>   money spent
    payable:<payee>      owed to a payee              never in debit
    exchange:fx          currency trading account of conversions
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from ledger.kernel.errors import ConflictCode, InvalidInput
from ledger.kernel.money import Money
from ledger.treasury.models import Leg, Policy, PolicyBreach


def pledge_legs(sponsor_id: int, money: Money) -> list[Leg]:
    """A pledge: the sponsor owes it, and it is recognised as their funding."""
    name = str(sponsor_id)
    return [Leg("receivable", name, money, sponsor_id), Leg("income", name, -money, sponsor_id)]


def receipt_legs(sponsor_id: int, money: Money, outstanding: int, fund: str) -> list[Leg]:
    """Money in: settles the sponsor's open pledge first, the rest is new funding."""
    name = str(sponsor_id)
    settled = max(0, min(outstanding, money.minor))
    legs = [Leg("treasury", fund, money)]
    if settled:
        legs.append(Leg("receivable", name, Money(-settled, money.currency), sponsor_id))
    if money.minor - settled:
        legs.append(Leg("income", name, Money(settled - money.minor, money.currency), sponsor_id))
    return legs


def expense_legs(money: Money, category: str, payee: str, fund: str) -> list[Leg]:
    """An expense owed to the payee and paid out of the fund at once."""
    return [
        Leg("expense", category, money),
        Leg("payable", payee, -money),
        Leg("payable", payee, money),
        Leg("treasury", fund, -money),
    ]


def refund_legs(sponsor_id: int, money: Money, fund: str) -> list[Leg]:
    """Money returned to a sponsor: their recognised funding shrinks."""
    return [Leg("income", str(sponsor_id), money, sponsor_id), Leg("treasury", fund, -money)]


def transfer_legs(money: Money, from_fund: str, to_fund: str) -> list[Leg]:
    """Money moved between two funds in one currency."""
    if from_fund == to_fund:
        raise InvalidInput("a transfer needs two different funds", "toFund")
    return [Leg("treasury", to_fund, money), Leg("treasury", from_fund, -money)]


def conversion_legs(sold: Money, bought: Money, from_fund: str, to_fund: str) -> list[Leg]:
    """Currency sold from one fund and bought into another, through the trading account."""
    if sold.currency == bought.currency:
        raise InvalidInput("a conversion needs two different currencies", "toCurrency")
    return [
        Leg("exchange", "fx", sold),
        Leg("treasury", from_fund, -sold),
        Leg("treasury", to_fund, bought),
        Leg("exchange", "fx", -bought),
    ]


def balance_problems(legs: Iterable[Leg]) -> list[str]:
    """Currencies in which ``legs`` do not sum to zero, or why they cannot post."""
    totals: dict[str, int] = defaultdict(int)
    count = 0
    for leg in legs:
        count += 1
        if leg.amount.minor == 0:
            return ["an entry of zero"]
        totals[leg.amount.currency] += leg.amount.minor
    if count < 2:
        return ["fewer than two entries"]
    return sorted(c for c, total in totals.items() if total)


def policy_breach(
    balances: Mapping[tuple[str, str, str], int],
    moved: Mapping[tuple[str, str, str], int],
    policy: Policy,
) -> PolicyBreach | None:
    """The first rule the balances after a movement break, judged only where it moved
    money the rule forbids (an account already overdrawn may still receive)."""
    for key in sorted(moved):
        kind, name, currency = key
        after, delta = balances[key], moved[key]
        if kind == "treasury" and delta < 0 and after < 0 and not policy.allow_overdraft:
            return PolicyBreach(
                f"fund {name!r} would go below zero in {currency}; the policy allows no overdraft",
                ConflictCode.OVERDRAFT,
            )
        if kind == "receivable" and delta < 0 and after < 0:
            return PolicyBreach(
                f"sponsor {name} would have received more than pledged in {currency}",
                ConflictCode.PLEDGE_EXCEEDED,
            )
        if kind == "payable" and after > 0:
            return PolicyBreach(
                f"payee {name!r} would be paid in advance", ConflictCode.PAYABLE_IN_DEBIT
            )
        if kind in ("income", "receivable") and delta > 0:
            paid = -balances[("income", name, currency)] - balances[("receivable", name, currency)]
            if paid < 0:
                return PolicyBreach(
                    f"sponsor {name} would be refunded more than it paid in {currency}",
                    ConflictCode.REFUND_EXCEEDS_RECEIPTS,
                )
    return None


def net_moves(legs: Iterable[Leg]) -> dict[tuple[str, str, str], int]:
    """The change each leg's account sees."""
    moved: dict[tuple[str, str, str], int] = defaultdict(int)
    for leg in legs:
        moved[leg.key] += leg.amount.minor
    return dict(moved)
