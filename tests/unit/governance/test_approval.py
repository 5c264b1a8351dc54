import pytest

from governance.methods import method
from ledger.kernel.errors import InvalidInput

OPTIONS = ("red", "green", "blue")


def params(low: int = 0, high: int = 3) -> dict[str, int]:
    return method("approval").check_params({"min": low, "max": high}, OPTIONS)


def test_the_most_approved_option_wins() -> None:
    tally = method("approval").tally(
        [{"approve": ["red", "blue"]}, {"approve": ["blue"]}, {"approve": []}], OPTIONS, params()
    )
    assert (tally.passed, tally.winners, tally.counted) == (True, ("blue",), 3)
    assert tally.details == {"approvals": {"red": 1, "green": 0, "blue": 2}, "tied": False}


def test_a_tie_for_first_place_decides_nothing() -> None:
    tally = method("approval").tally(
        [{"approve": ["red"]}, {"approve": ["green"]}], OPTIONS, params()
    )
    assert not tally.passed
    assert tally.winners == ("red", "green")


def test_a_ballot_is_stored_in_option_order() -> None:
    ballot = method("approval").check_ballot({"approve": ["blue", "red"]}, OPTIONS, params())
    assert ballot == {"approve": ["red", "blue"]}


@pytest.mark.parametrize(
    "raw",
    [
        {"approve": ["red"]},
        {"approve": ["red", "green", "blue"]},
        {"approve": ["red", "red"]},
        {"approve": ["purple", "red"]},
        {"approve": "red"},
    ],
)
def test_ballots_outside_the_bounds_or_options_are_refused(raw: object) -> None:
    with pytest.raises(InvalidInput):
        method("approval").check_ballot(raw, OPTIONS, params(2, 2))


@pytest.mark.parametrize("bad", [{"min": 2, "max": 1}, {"max": 4}, {"max": 0}, {"min": "1"}])
def test_impossible_bounds_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        method("approval").check_params(bad, OPTIONS)


def test_options_must_be_distinct_labels() -> None:
    with pytest.raises(InvalidInput, match="distinct"):
        method("approval").options(["a", "a"])
