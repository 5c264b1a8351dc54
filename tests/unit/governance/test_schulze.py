import numpy as np
import pytest

from governance.methods import method
from governance.methods.ranked import Schulze
from governance.methods.schulze import (
    link_strengths,
    pairwise,
    rank_matrix,
    schulze,
    widest_paths,
)
from ledger.kernel.errors import InvalidInput

M = method("schulze")
OPTIONS = ("A", "B", "C", "D", "E")


def wikipedia_ballots() -> list[list[list[str]]]:
    """The 45-voter example of the Schulze method's Wikipedia article (winner E)."""
    groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    return [[[c] for c in order] for n, order in groups for _ in range(n)]


def test_the_wikipedia_example_elects_e_with_its_published_matrices() -> None:
    d = pairwise(rank_matrix(wikipedia_ballots(), OPTIONS))
    assert d.tolist() == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    result = schulze(d, OPTIONS, None)
    assert result["strongest_paths"] == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert result["winners"] == ["E"]
    assert result["ranking"] == ["E", "A", "C", "B", "D"]


def test_unranked_options_share_the_last_place() -> None:
    ranks = rank_matrix([[["B"]]], ("A", "B", "C"))
    assert ranks.tolist() == [[3, 0, 3]]
    assert pairwise(ranks).tolist() == [[0, 0, 0], [1, 0, 1], [0, 0, 0]]


def test_an_option_that_does_not_beat_the_default_option_is_dropped() -> None:
    params = M.check_params({}, ("X", "Y"))
    ballots = [{"ranking": [["X"], ["None of the above"], ["Y"]]}] * 3 + [
        {"ranking": [["None of the above"], ["Y"], ["X"]]}
    ] * 2
    tally = M.tally(ballots, ("X", "Y"), params)
    assert tally.passed
    assert tally.winners == ("X",)
    assert tally.details["dropped"] == ["Y"]
    assert tally.details["considered"] == ["X", "None of the above"]


def test_the_default_option_winning_means_the_proposal_fails() -> None:
    params = M.check_params({}, ("X",))
    tally = M.tally([{"ranking": [["None of the above"], ["X"]]}], ("X",), params)
    assert not tally.passed
    assert tally.winners == ("None of the above",)


def test_a_perfect_tie_leaves_several_winners_and_fails() -> None:
    params = M.check_params({}, ("X", "Y"))
    ballots = [{"ranking": ["X", "Y"]}, {"ranking": ["Y", "X"]}]
    tally = M.tally(ballots, ("X", "Y"), params)
    assert tally.winners == ("X", "Y")
    assert not tally.passed


def test_ballots_are_stored_as_tiers_in_option_order() -> None:
    params = M.check_params({}, ("X", "Y"))
    assert M.check_ballot({"ranking": ["Y", ["None of the above", "X"]]}, ("X", "Y"), params) == {
        "ranking": [["Y"], ["X", "None of the above"]]
    }


@pytest.mark.parametrize(
    "raw",
    [
        {"ranking": ["X", "X"]},
        {"ranking": ["Z"]},
        {"ranking": [[]]},
        {"ranking": "X"},
        {"ranking": [1]},
        {"order": ["X"]},
    ],
)
def test_malformed_rankings_are_refused(raw: object) -> None:
    params = M.check_params({}, ("X", "Y"))
    with pytest.raises(InvalidInput):
        M.check_ballot(raw, ("X", "Y"), params)


def test_widest_paths_ignore_losing_and_tied_pairs() -> None:
    d = np.array([[0, 2, 1], [1, 0, 1], [1, 1, 0]])
    assert widest_paths(link_strengths(d, losing=False)).tolist() == [
        [0, 2, 0],
        [0, 0, 0],
        [0, 0, 0],
    ]


def test_of_two_defeats_by_equal_winning_votes_the_one_with_fewer_losing_votes_is_stronger() -> (
    None
):
    d = np.array([[0, 4, 0], [3, 0, 0], [0, 0, 0]])
    e = np.array([[0, 4, 0], [2, 0, 0], [0, 0, 0]])
    n = 4
    assert link_strengths(d)[0, 1] == 4 * (n + 1) + (n - 3)
    assert link_strengths(e)[0, 1] > link_strengths(d)[0, 1]
    assert link_strengths(d)[1, 0] == 0


def test_the_default_option_is_none_of_the_above_unless_the_proposal_names_another() -> None:
    assert M.check_params({}, ("X",))["default_option"] == "None of the above"
    named = M.check_params({"default_option": " Further discussion "}, ("X",))
    assert named["default_option"] == "Further discussion"
    assert Schulze().all_options(("X",), named) == ("X", "Further discussion")


def test_a_constitutional_option_needs_three_to_one_beside_a_simple_majority_option() -> None:
    options = ("Amend", "Statement")
    params = M.check_params({"majorities": {"Amend": "3:1"}}, options)
    assert params["majorities"] == {"Amend": {"ratio": "3:1", "strict": False}}
    # 8 rank Amend above the default, 3 below: 8 < 3 * 3, so Amend is dropped;
    # Statement has 6 against 5, enough for its 1:1.
    ballots = [{"ranking": [["Amend"], ["Statement"], ["None of the above"]]}] * 6
    ballots += [{"ranking": [["Amend"], ["None of the above"], ["Statement"]]}] * 2
    ballots += [{"ranking": [["None of the above"], ["Statement"], ["Amend"]]}] * 3
    tally = M.tally(ballots, options, params)
    assert tally.details["dropped"] == ["Amend"]
    assert tally.winners == ("Statement",)
    one_more = M.tally([*ballots, ballots[8]], options, params)  # 8:4 and 6:6
    assert one_more.details["dropped"] == ["Amend", "Statement"]
    assert one_more.winners == ("None of the above",)
    exactly = M.tally([*ballots, ballots[0]], options, params)  # 9:3 is at least 3:1
    assert exactly.details["dropped"] == []
    assert exactly.winners == ("Amend",)


def test_an_option_ranked_above_the_default_by_fewer_than_r_voters_is_dropped() -> None:
    params = M.check_params({"option_quorum": 3}, ("X", "Y"))
    ballots = [{"ranking": [["X"], ["Y"]]}] * 2 + [{"ranking": [["Y"]]}]
    tally = M.tally(ballots, ("X", "Y"), params)
    assert tally.details["below_quorum"] == ["X"]
    assert tally.details["dropped"] == ["X"]
    assert tally.winners == ("Y",)


def test_a_tie_goes_to_the_casting_voters_choice_and_otherwise_to_the_lot() -> None:
    options = ("X", "Y")
    ballots = [{"ranking": ["X", "Y"]}, {"ranking": ["Y", "X"]}]
    voter = M.check_params({"casting_vote": {"voter": 4}}, options)
    assert voter["casting_vote"] == {"rule": "casting_voter", "voter": 4}
    chosen = M.tally(ballots, options, voter, casting={"ranking": [["Y"], ["X"]]})
    assert (chosen.winners, chosen.passed) == (("Y",), True)
    assert chosen.details["winners"] == ["X", "Y"]
    assert chosen.details["tie_break"] == {
        "rule": "casting_voter",
        "tied": ["X", "Y"],
        "voter": 4,
        "casting_ballot": True,
        "chose": "Y",
    }
    absent = M.tally(ballots, options, voter)
    lot = M.tally(ballots, options, M.check_params({"casting_vote": {"rule": "lot"}}, options))
    assert absent.winners == lot.winners
    assert absent.details["tie_break"]["lot_seed"] == lot.details["tie_break"]["lot_seed"]
    assert lot.details["tie_break"]["lot_among"] == ["X", "Y"]
    assert len(lot.winners) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"majorities": {"Z": "3:1"}}, "params.majorities"),
        ({"majorities": {"None of the above": "3:1"}}, "params.majorities"),
        ({"majorities": {"X": "1:3"}}, "params.majorities"),
        ({"majorities": ["X"]}, "params.majorities"),
        ({"default_ratio": "1:2"}, "params.default_ratio"),
        ({"option_quorum": -1}, "params.option_quorum"),
        ({"option_quorum": True}, "params.option_quorum"),
        ({"casting_vote": {"voter": 0}}, "params.casting_vote"),
        ({"casting_vote": {"rule": "coin"}}, "params.casting_vote"),
        ({"casting_vote": "chair"}, "params.casting_vote"),
        ({"count_rules": 1}, "params.count_rules"),
        ({"order": "random"}, "params"),
    ],
)
def test_malformed_ranked_parameters_are_refused(params: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        M.check_params(params, ("X", "Y"))
    assert refused.value.field == field


def test_tied_tiers_share_a_rank_next_to_single_tiers() -> None:
    ranks = rank_matrix([[["A", "C"], ["B"]], [["B"]], [["C"], ["A", "B"]]], ("A", "B", "C"))
    assert ranks.tolist() == [[0, 1, 0], [3, 0, 3], [1, 1, 0]]
    assert pairwise(ranks).tolist() == [[0, 1, 0], [1, 0, 1], [1, 2, 0]]


def test_no_ballots_give_an_empty_count_where_every_option_ties() -> None:
    d = pairwise(rank_matrix([], ("A", "B")))
    assert d.tolist() == [[0, 0], [0, 0]]
    assert schulze(d, ("A", "B"), None)["winners"] == ["A", "B"]
