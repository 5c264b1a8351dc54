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
    fee:<processor|host> fees charged on money received
    in_kind:<sponsor>    support given in goods or services, at its stated value
    in_kind_use:<cat>    its contra: the value used (hardware, hosting...), never money

Every balance stays within a signed 64-bit integer (``balance_limit``), so each amount
and balance a client reads fits an int64.

The rules hold at every value date, not only today: a movement dated ``d`` changes every
balance from ``d`` on, so it is judged on the series of balances at the end of ``d`` and
of each later day with entries (``series_from``). A back-dated receipt settles only what
was pledged by its date and stayed open since; a back-dated expense may not overdraw a
fund on any day after it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ledger.kernel.errors import ConflictCode, InvalidInput
from ledger.kernel.money import BIGINT_MAX, Money
from ledger.treasury.models import Leg, Policy, PolicyBreach

AccountKey = tuple[str, str, str]
Series = Mapping[AccountKey, Sequence[int]]


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


def fee_legs(money: Money, kind: str, fund: str) -> list[Leg]:
    """A fee charged on money received, paid out of the fund it came into."""
    return [Leg("fee", kind, money), Leg("treasury", fund, -money)]


def in_kind_legs(sponsor_id: int, value: Money, category: str) -> list[Leg]:
    """Support in goods or services at its stated value, against its contra account: the
    sponsor's in-kind funding is recognised, and no money is held."""
    return [
        Leg("in_kind_use", category, value),
        Leg("in_kind", str(sponsor_id), -value, sponsor_id),
    ]


def series_from(
    current: Mapping[AccountKey, int], later: Mapping[AccountKey, Mapping[date, int]]
) -> dict[AccountKey, list[int]]:
    """Each account's balance at the end of a movement's value date and of every later
    day with entries (in day order, the last being ``current``), from the current
    balances and the net change each later day made."""
    days = sorted({day for changes in later.values() for day in changes})
    series: dict[AccountKey, list[int]] = {}
    for key, balance in current.items():
        changes = later.get(key, {})
        running = balance - sum(changes.values())
        points = [running]
        for day in days:
            running += changes.get(day, 0)
            points.append(running)
        series[key] = points
    return series


def floors(series: Series) -> dict[AccountKey, int]:
    """The lowest balance of each account from the value date on: what a movement of that
    date may rely on (a receipt settles at most its sponsor's floor of open pledges)."""
    return {key: min(points) for key, points in series.items()}


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
    series: Series, moved: Mapping[AccountKey, int], policy: Policy
) -> PolicyBreach | None:
    """The first rule the balances after a movement break on any day from its value date
    on (``series``: the balances after it), judged only where it moved money the rule
    forbids (an account already overdrawn may still receive)."""
    for key in sorted(moved):
        kind, name, currency = key
        after, delta = series[key], moved[key]
        if delta and any(abs(b) > BIGINT_MAX for b in after):
            return PolicyBreach(
                f"the {kind} account {name!r} would leave the 64-bit range in {currency}",
                ConflictCode.BALANCE_LIMIT,
            )
        if kind == "treasury" and delta < 0 and min(after) < 0 and not policy.allow_overdraft:
            return PolicyBreach(
                f"fund {name!r} would go below zero in {currency}; the policy allows no overdraft",
                ConflictCode.OVERDRAFT,
            )
        if kind == "receivable" and delta < 0 and min(after) < 0:
            return PolicyBreach(
                f"sponsor {name} would have received more than pledged in {currency}",
                ConflictCode.PLEDGE_EXCEEDED,
            )
        if kind == "payable" and max(after) > 0:
            return PolicyBreach(
                f"payee {name!r} would be paid in advance", ConflictCode.PAYABLE_IN_DEBIT
            )
        if kind in ("income", "receivable") and delta > 0:
            income = series[("income", name, currency)]
            receivable = series[("receivable", name, currency)]
            if any(i + r > 0 for i, r in zip(income, receivable, strict=True)):
                return PolicyBreach(
                    f"sponsor {name} would be refunded more than it paid in {currency}",
                    ConflictCode.REFUND_EXCEEDS_RECEIPTS,
                )
    return None


def net_moves(legs: Iterable[Leg]) -> dict[AccountKey, int]:
    """The change each leg's account sees."""
    moved: dict[AccountKey, int] = defaultdict(int)
    for leg in legs:
        moved[leg.key] += leg.amount.minor
    return dict(moved)
