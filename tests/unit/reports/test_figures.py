"""The reference definitions of the figures against hand-computed examples."""

from __future__ import annotations

from decimal import Decimal

from reports.figures import absence_factor, decimal_text, gini, share

CHAOSS = [1000, 433, 343, 332, 202, 90, 42, 33]


def test_the_chaoss_example_has_an_absence_factor_of_two() -> None:
    assert absence_factor(CHAOSS) == 2


def test_one_contributor_with_half_the_work_is_a_factor_of_one() -> None:
    assert absence_factor([5, 3, 2]) == 1
    assert absence_factor([4, 3, 3]) == 2
    assert absence_factor([]) == 0
    assert absence_factor([0, 0]) == 0


def test_gini_is_zero_for_equal_shares_and_grows_with_concentration() -> None:
    assert gini([2, 2, 2, 2]) == "0.0000"
    # sorted 1, 1, 2, 4: 2*(1+2+6+16)/(4*8) - 5/4 = 50/32 - 40/32 = 0.3125
    assert gini([4, 1, 2, 1]) == "0.3125"
    assert gini([0, 0, 0, 9]) == "0.7500"
    assert gini([]) is None


def test_shares_round_half_away_from_zero_to_four_places() -> None:
    assert share(1, 3) == "0.3333"
    assert share(2, 3) == "0.6667"
    assert share(1, 8) == "0.1250"
    assert share(5, 0) is None


def test_credit_prints_without_trailing_zeros() -> None:
    assert decimal_text(Decimal("1000.0000")) == "1000"
    assert decimal_text(Decimal("12.5000")) == "12.5"
    assert decimal_text(Decimal("0.0000")) == "0"
