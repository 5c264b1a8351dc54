from fractions import Fraction

import pytest

from governance.methods import method
from governance.methods.base import Ratio, parse_ratio
from ledger.kernel.errors import InvalidInput


def ballots(yes: int, no: int, abstain: int = 0) -> list[dict[str, str]]:
    return [{"choice": "yes"}] * yes + [{"choice": "no"}] * no + [{"choice": "abstain"}] * abstain


def test_simple_majority_passes_with_more_yes_than_no_and_ignores_abstentions() -> None:
    tally = method("majority").tally(ballots(3, 2, 10), ("yes", "no", "abstain"), {})
    assert tally.passed
    assert tally.counted == 15
    assert tally.details == {
        "yes": 3,
        "no": 2,
        "abstain": 10,
        "threshold": {"ratio": "1:1", "strict": True},
    }


def test_a_tied_simple_majority_fails() -> None:
    assert not method("majority").tally(ballots(2, 2, 1), (), {}).passed


def test_only_abstentions_never_pass() -> None:
    assert not method("majority").tally(ballots(0, 0, 5), (), {}).passed


def test_debian_three_to_one_passes_at_three_times_the_no_votes_since_2015() -> None:
    m = method("supermajority")
    params = m.check_params({"threshold": "3:1"}, ())
    assert params == {"threshold": {"ratio": "3:1", "strict": False}, "count_rules": 2}
    assert m.tally(ballots(30, 10), (), params).passed
    assert not m.tally(ballots(29, 10), (), params).passed


def test_the_strict_three_to_one_of_the_text_before_2015_needs_more_than_three_times() -> None:
    m = method("supermajority")
    params = m.check_params({"threshold": {"ratio": "3:1", "strict": True}}, ())
    assert not m.tally(ballots(30, 10), (), params).passed
    assert m.tally(ballots(31, 10), (), params).passed


def test_a_two_thirds_share_at_least_passes_exactly_at_the_ratio() -> None:
    m = method("supermajority")
    params = m.check_params({"threshold": {"ratio": "2/3", "strict": False}}, ())
    assert params == {"threshold": {"ratio": "2:1", "strict": False}, "count_rules": 2}
    assert m.tally(ballots(20, 10), (), params).passed
    assert not m.tally(ballots(19, 10), (), params).passed


def test_an_inclusive_one_to_one_still_needs_more_yes_than_no() -> None:
    m = method("supermajority")
    params = m.check_params({"threshold": "1:1"}, ())
    assert not m.tally(ballots(2, 2), (), params).passed
    assert not m.tally(ballots(0, 0, 3), (), params).passed
    assert m.tally(ballots(3, 2), (), params).passed


def test_proposals_stored_before_count_rules_recount_as_they_were_published() -> None:
    m = method("supermajority")
    tie = {"threshold": {"ratio": "1:1", "strict": False}}
    assert m.tally(ballots(2, 2), (), tie).passed
    below_one = {"threshold": {"ratio": "1:2", "strict": False}}
    assert m.tally(ballots(2, 3), (), below_one).passed
    assert not m.tally(ballots(0, 0), (), below_one).passed


def test_a_ratio_is_reduced_to_lowest_terms_and_knows_its_share() -> None:
    assert parse_ratio("6:2") == Ratio(3, 1, False)
    assert parse_ratio({"ratio": "3/4", "strict": True}).share == Fraction(3, 4)
    assert parse_ratio("1/2") == Ratio(1, 1, False)


@pytest.mark.parametrize(
    "bad", ["3", "0:1", "1:0", "-1:2", "a:b", "3/2", "", 0.75, None, "1:2", "2/5", "1/3"]
)
def test_malformed_ratios_and_ratios_below_one_to_one_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput):
        parse_ratio(bad)


def test_a_supermajority_of_one_to_two_is_refused_with_its_field() -> None:
    with pytest.raises(InvalidInput, match="at least 1:1") as refused:
        method("supermajority").check_params({"threshold": "1:2"}, ())
    assert refused.value.field == "params.threshold"


def test_a_supermajority_without_a_threshold_is_refused() -> None:
    with pytest.raises(InvalidInput, match="threshold"):
        method("supermajority").check_params({}, ())


@pytest.mark.parametrize(
    "raw", [{"choice": "maybe"}, {"choice": "yes", "extra": 1}, {}, "yes", {"choice": None}]
)
def test_malformed_yes_no_ballots_are_refused(raw: object) -> None:
    with pytest.raises(InvalidInput):
        method("majority").check_ballot(raw, ("yes", "no", "abstain"), {})


def test_an_unknown_method_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="approval, consent, lazy_consensus, majority"):
        method("plurality")
