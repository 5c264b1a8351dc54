from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.kernel.errors import InvalidInput
from ledger.kernel.money import EXPONENTS, Money
from ledger.treasury.models import Leg, Policy
from ledger.treasury.rules import (
    balance_problems,
    conversion_legs,
    expense_legs,
    net_moves,
    pledge_legs,
    policy_breach,
    receipt_legs,
    refund_legs,
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
    after = {**balances, **{k: balances.get(k, 0) + d for k, d in moved.items()}}
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
