import numpy as np
import pytest

from governance.methods import method
from governance.methods.schulze import pairwise, rank_matrix, schulze, widest_paths
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


def test_an_option_that_does_not_beat_further_discussion_is_dropped() -> None:
    params = M.check_params({}, ("X", "Y"))
    ballots = [{"ranking": [["X"], ["Further discussion"], ["Y"]]}] * 3 + [
        {"ranking": [["Further discussion"], ["Y"], ["X"]]}
    ] * 2
    tally = M.tally(ballots, ("X", "Y"), params)
    assert tally.passed
    assert tally.winners == ("X",)
    assert tally.details["dropped"] == ["Y"]
    assert tally.details["considered"] == ["X", "Further discussion"]


def test_further_discussion_winning_means_the_proposal_fails() -> None:
    params = M.check_params({}, ("X",))
    tally = M.tally([{"ranking": [["Further discussion"], ["X"]]}], ("X",), params)
    assert not tally.passed
    assert tally.winners == ("Further discussion",)


def test_a_perfect_tie_leaves_several_winners_and_fails() -> None:
    params = M.check_params({}, ("X", "Y"))
    ballots = [{"ranking": ["X", "Y"]}, {"ranking": ["Y", "X"]}]
    tally = M.tally(ballots, ("X", "Y"), params)
    assert tally.winners == ("X", "Y")
    assert not tally.passed


def test_ballots_are_stored_as_tiers_in_option_order() -> None:
    params = M.check_params({}, ("X", "Y"))
    assert M.check_ballot({"ranking": ["Y", ["Further discussion", "X"]]}, ("X", "Y"), params) == {
        "ranking": [["Y"], ["X", "Further discussion"]]
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
    assert widest_paths(d).tolist() == [[0, 2, 0], [0, 0, 0], [0, 0, 0]]


def test_tied_tiers_share_a_rank_next_to_single_tiers() -> None:
    ranks = rank_matrix([[["A", "C"], ["B"]], [["B"]], [["C"], ["A", "B"]]], ("A", "B", "C"))
    assert ranks.tolist() == [[0, 1, 0], [3, 0, 3], [1, 1, 0]]
    assert pairwise(ranks).tolist() == [[0, 1, 0], [1, 0, 1], [1, 2, 0]]


def test_no_ballots_give_an_empty_count_where_every_option_ties() -> None:
    d = pairwise(rank_matrix([], ("A", "B")))
    assert d.tolist() == [[0, 0], [0, 0]]
    assert schulze(d, ("A", "B"), None)["winners"] == ["A", "B"]
