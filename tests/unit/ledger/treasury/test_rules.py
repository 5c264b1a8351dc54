from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.kernel.errors import InvalidInput
from ledger.kernel.money import BIGINT_MAX, EXPONENTS, Money
from ledger.treasury.models import Leg, Policy
from ledger.treasury.rules import (
    balance_problems,
    conversion_legs,
    expense_legs,
    fee_legs,
    floors,
    in_kind_legs,
    net_moves,
    pledge_legs,
    policy_breach,
    receipt_legs,
    refund_legs,
    series_from,
    transfer_legs,
)

EUR = Money(1000, "EUR")


def test_a_receipt_settles_the_open_pledge_before_recording_new_funding() -> None:
    legs = receipt_legs(7, Money(1500, "EUR"), 1000, "main")
    assert [(leg.kind, leg.amount.minor) for leg in legs] == [
        ("treasury", 1500),
        ("receivable", -1000),
        ("income", -500),
    ]


def test_an_expense_passes_through_the_payee_account_and_leaves_it_at_zero() -> None:
    moved = net_moves(expense_legs(EUR, "travel", "Ada", "main"))
    assert moved == {
        ("expense", "travel", "EUR"): 1000,
        ("payable", "Ada", "EUR"): 0,
        ("treasury", "main", "EUR"): -1000,
    }


def test_transfers_and_conversions_need_two_different_ends() -> None:
    with pytest.raises(InvalidInput, match="two different funds"):
        transfer_legs(EUR, "main", "main")
    with pytest.raises(InvalidInput, match="two different currencies"):
        conversion_legs(EUR, EUR, "main", "main")


money = st.builds(
    Money,
    st.integers(min_value=1, max_value=2**62),
    st.sampled_from(sorted(EXPONENTS)),
)


@given(money, money, st.integers(min_value=0, max_value=2**62), st.integers(1, 10**6))
def test_every_movement_balances_per_currency(
    a: Money, b: Money, outstanding: int, sponsor: int
) -> None:
    builders = [
        pledge_legs(sponsor, a),
        receipt_legs(sponsor, a, outstanding, "main"),
        expense_legs(a, "general", "Ada", "main"),
        refund_legs(sponsor, a, "main"),
        transfer_legs(a, "main", "reserve"),
        fee_legs(a, "processor", "main"),
        in_kind_legs(sponsor, a, "hosting"),
    ]
    if a.currency != b.currency:
        builders.append(conversion_legs(a, b, "main", "reserve"))
    for legs in builders:
        assert balance_problems(legs) == []
        reversed_legs = [Leg(g.kind, g.name, -g.amount, g.sponsor_id) for g in legs]
        assert balance_problems(reversed_legs) == []


def test_unbalanced_or_single_legs_are_named() -> None:
    assert balance_problems([Leg("treasury", "main", EUR)]) == ["fewer than two entries"]
    assert balance_problems(
        [Leg("treasury", "main", EUR), Leg("income", "1", Money(-999, "EUR"))]
    ) == ["EUR"]
    assert balance_problems(
        [Leg("treasury", "main", Money(0, "EUR")), Leg("income", "1", Money(0, "EUR"))]
    ) == ["an entry of zero"]


def _breach(balances: dict[tuple[str, str, str], int], legs: list[Leg], policy: Policy) -> str:
    moved = net_moves(legs)
    keys = set(balances) | set(moved)
    after = {k: [balances.get(k, 0) + moved.get(k, 0)] for k in keys}
    found = policy_breach(after, moved, policy)
    return found.code if found else ""


def test_a_fund_may_not_go_below_zero_unless_the_policy_allows_it() -> None:
    legs = expense_legs(EUR, "general", "Ada", "main")
    funded = {("treasury", "main", "EUR"): 999}
    assert _breach(funded, legs, Policy()) == "overdraft"
    assert _breach(funded, legs, Policy(allow_overdraft=True)) == ""
    assert _breach({("treasury", "main", "EUR"): 1000}, legs, Policy()) == ""


def test_an_overdrawn_fund_may_still_receive_money() -> None:
    legs = receipt_legs(1, Money(1, "EUR"), 0, "main")
    assert _breach({("treasury", "main", "EUR"): -500}, legs, Policy()) == ""


def test_a_refund_may_not_exceed_what_the_sponsor_paid() -> None:
    paid_ten = {("income", "1", "EUR"): -1000, ("receivable", "1", "EUR"): 0}
    assert _breach(paid_ten, refund_legs(1, Money(1001, "EUR"), "main"), Policy(True)) == (
        "refund_exceeds_receipts"
    )
    assert _breach(paid_ten, refund_legs(1, EUR, "main"), Policy(True)) == ""
    pledged_only = {("income", "1", "EUR"): -1000, ("receivable", "1", "EUR"): 1000}
    assert _breach(pledged_only, refund_legs(1, Money(1, "EUR"), "main"), Policy(True)) == (
        "refund_exceeds_receipts"
    )


def test_undoing_a_pledge_that_was_already_paid_is_refused() -> None:
    settled = {("income", "1", "EUR"): -1000, ("receivable", "1", "EUR"): 0}
    undo = [Leg(g.kind, g.name, -g.amount, g.sponsor_id) for g in pledge_legs(1, EUR)]
    assert _breach(settled, undo, Policy()) == "pledge_exceeded"


MAIN = ("treasury", "main", "EUR")
OWED = ("receivable", "1", "EUR")


def test_the_series_runs_from_the_value_date_to_today_through_every_later_day() -> None:
    later = {MAIN: {date(2026, 3, 5): 300, date(2026, 3, 9): -200}, OWED: {date(2026, 3, 7): 50}}
    series = series_from({MAIN: 1000, OWED: 50}, later)
    # days: the value date, then 03-05, 03-07, 03-09
    assert series == {MAIN: [900, 1200, 1200, 1000], OWED: [0, 0, 50, 50]}
    assert floors(series) == {MAIN: 900, OWED: 0}


def test_a_back_dated_receipt_settles_only_what_was_pledged_by_its_date() -> None:
    later = {OWED: {date(2026, 3, 7): 1000}}  # pledged after the receipt's date
    owed = floors(series_from({OWED: 1000}, later))[OWED]
    legs = receipt_legs(1, EUR, owed, "main")
    assert [(leg.kind, leg.amount.minor) for leg in legs] == [("treasury", 1000), ("income", -1000)]


def test_a_back_dated_expense_may_not_overdraw_a_fund_on_any_later_day() -> None:
    # 1000 held today, but only 400 between the expense's date and a later receipt
    series = series_from({MAIN: 1000}, {MAIN: {date(2026, 3, 9): 600}})
    moved = net_moves(expense_legs(Money(500, "EUR"), "general", "Ada", "main"))
    after = {
        k: [b + moved.get(k, 0) for b in series.get(k, [0, 0])] for k in set(series) | set(moved)
    }
    breach = policy_breach(after, moved, Policy())
    assert breach is not None
    assert breach.code == "overdraft"
    assert policy_breach(after, moved, Policy(allow_overdraft=True)) is None


def test_no_balance_may_leave_the_signed_64_bit_range() -> None:
    legs = receipt_legs(1, Money(1, "EUR"), 0, "main")
    full = {MAIN: BIGINT_MAX, ("income", "1", "EUR"): 0, OWED: 0}
    assert _breach(full, legs, Policy()) == "balance_limit"
    assert _breach({**full, MAIN: BIGINT_MAX - 1}, legs, Policy()) == ""


def test_in_kind_support_and_fees_never_add_to_the_money_held() -> None:
    assert net_moves(in_kind_legs(3, EUR, "hosting")) == {
        ("in_kind_use", "hosting", "EUR"): 1000,
        ("in_kind", "3", "EUR"): -1000,
    }
    assert net_moves(fee_legs(Money(30, "EUR"), "processor", "main")) == {
        ("fee", "processor", "EUR"): 30,
        MAIN: -30,
    }
