"""The production count held against Debian's constitution A.5 as written
(``debian_a5``, the oracle) and against votelib as an independent beatpath."""

from __future__ import annotations

import hashlib
from fractions import Fraction
from typing import Any

import rfc8785
import votelib.evaluate.condorcet
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.methods import method
from governance.methods.schulze import pairwise, rank_matrix, schulze
from tests.unit.governance import debian_a5
from tests.unit.governance.debian_a5 import Requirement

M = method("schulze")
DEFAULT = "None of the above"
LABELS = ("A", "B", "C", "D")
RATIOS = ("1:1", "3:1", "2:1", "3:2", "5:3")

# Nine ballots (tiers, best first): Debian's rule and Schulze's paper elect C, since
# C's defeat of A (4:2) is stronger than B's of C (4:3) though both have 4 winning votes;
# counting winning votes only leaves A and C tied.
NINE = [
    [["C"], ["A"], ["B"]],
    [["A"], ["B"], ["C"]],
    [["B", "C"], ["A"]],
    [["B"], ["C"], ["A"]],
    [["A"]],
    [["B"]],
    [["C"], ["A"], ["B"]],
    [["B"]],
    [["A", "C"], ["B"]],
]


@st.composite
def ranking(draw: st.DrawFn, options: tuple[str, ...]) -> list[list[str]]:
    """A ballot: some options in tiers (ties allowed), the rest unranked."""
    order = draw(st.permutations(options))
    ranked = order[: draw(st.integers(0, len(order)))]
    tiers: list[list[str]] = []
    for option in ranked:
        shares_tier = draw(st.booleans())
        if tiers and shares_tier:
            tiers[-1].append(option)
        else:
            tiers.append([option])
    return tiers


ratio = st.tuples(st.sampled_from(RATIOS), st.booleans())


def requirement(value: tuple[str, bool]) -> Requirement:
    yes, no = (int(x) for x in value[0].split(":"))
    return Requirement(Fraction(yes, no), value[1])


def lot_choice(ballots: list[dict[str, Any]], tied: frozenset[str]) -> str:
    """The documented lot, recomputed with hashlib and the rfc8785 package."""
    seed = hashlib.sha256(rfc8785.dumps(ballots)).digest()
    return min(tied, key=lambda o: hashlib.sha256(seed + o.encode()).digest())


def casting_choice(
    rule: str | None, casting: list[list[str]] | None, ballots: list[dict[str, Any]]
) -> Any:
    """The casting vote of A.5(8) as the proposal's rule exercises it."""
    if rule is None:
        return None

    def choose(tied: frozenset[str]) -> str:
        if rule == "voter" and casting is not None:
            for tier in casting:
                if tied & set(tier):
                    tied = tied & frozenset(tier)
                    break
        return next(iter(tied)) if len(tied) == 1 else lot_choice(ballots, tied)

    return choose


@st.composite
def proposals(draw: st.DrawFn) -> dict[str, Any]:
    options = tuple(sorted(draw(st.sets(st.sampled_from(LABELS), min_size=1))))
    everything = (*options, DEFAULT)
    rankings = draw(st.lists(ranking(everything), max_size=25))
    majorities = draw(st.dictionaries(st.sampled_from(options), ratio))
    rule = draw(st.sampled_from([None, "lot", "voter"]))
    casting = draw(st.none() | st.sampled_from(rankings)) if rankings else None
    return {
        "options": options,
        "rankings": rankings,
        "default_ratio": draw(ratio),
        "majorities": majorities,
        "quorum": draw(st.integers(0, 6)),
        "rule": rule,
        "casting": casting,
    }


def as_ratio(value: tuple[str, bool]) -> dict[str, Any]:
    return {"ratio": value[0], "strict": value[1]}


def check_against_the_oracle(case: dict[str, Any]) -> None:
    options, rankings = case["options"], case["rankings"]
    casting_rule = {"lot": {"rule": "lot"}, "voter": {"voter": 7}}.get(case["rule"] or "")
    params = M.check_params(
        {
            "default_ratio": as_ratio(case["default_ratio"]),
            "majorities": {o: as_ratio(r) for o, r in case["majorities"].items()},
            "option_quorum": case["quorum"],
            "casting_vote": casting_rule,
        },
        options,
    )
    ballots = [{"ranking": r} for r in rankings]
    casting = {"ranking": case["casting"]} if case["casting"] is not None else None
    tally = M.tally(ballots, options, params, casting)
    need = {o: requirement(r) for o, r in case["majorities"].items()}
    default_need = requirement(case["default_ratio"])
    expected = debian_a5.count(
        rankings,
        (*options, DEFAULT),
        DEFAULT,
        {o: need.get(o, default_need) for o in options},
        case["quorum"],
        casting_choice(case["rule"], case["casting"], ballots),
    )
    assert set(tally.details["below_quorum"]) == expected.below_quorum
    assert set(tally.details["dropped"]) == expected.dropped
    assert set(tally.details["winners"]) == expected.schwartz
    if expected.winner is None:
        assert set(tally.winners) == expected.schwartz
        assert len(tally.winners) > 1
        assert not tally.passed
    else:
        assert tally.winners == (expected.winner,)
        assert tally.passed == (expected.winner != DEFAULT)


@settings(max_examples=600, deadline=None)
@given(proposals())
def test_the_count_is_debians_a5_with_losing_votes_ratios_quorum_and_casting_vote(
    case: dict[str, Any],
) -> None:
    check_against_the_oracle(case)


@st.composite
def near_nine(draw: st.DrawFn) -> dict[str, Any]:
    """The nine-ballot profile relabelled, repeated and nudged by a few more ballots:
    defeats with equal winning votes are common here, rare in uniform profiles."""
    names = draw(st.permutations(LABELS))[:3]
    relabel = dict(zip("ABC", names, strict=True))
    base = [[[relabel[o] for o in tier] for tier in b] for b in NINE]
    options = tuple(sorted(names))
    extra = draw(st.lists(ranking((*options, DEFAULT)), max_size=3))
    return {
        "options": options,
        "rankings": base * draw(st.integers(1, 3)) + extra,
        "default_ratio": ("1:1", False),
        "majorities": {},
        "quorum": 0,
        "rule": draw(st.sampled_from([None, "lot"])),
        "casting": None,
    }


@settings(max_examples=300, deadline=None)
@given(near_nine())
def test_near_ties_of_winning_votes_are_decided_by_losing_votes_as_a5_7_says(
    case: dict[str, Any],
) -> None:
    check_against_the_oracle(case)


def encoded(d: Any, labels: tuple[str, ...]) -> dict[tuple[str, str], int]:
    """Pairwise counts whose order is winning votes, then fewer losing votes, for a
    beatpath that compares single numbers (votelib)."""
    n = int(d.max(initial=0))
    k = len(labels)
    return {
        (labels[i], labels[j]): int(d[i, j]) * (n + 1) + n - int(d[j, i])
        for i in range(k)
        for j in range(k)
        if i != j
    }


@settings(max_examples=200, deadline=None)
@given(st.lists(ranking(LABELS), min_size=1, max_size=30))
def test_a_unique_winner_is_votelibs_beatpath_winner_on_the_same_link_order(
    rankings: list[list[list[str]]],
) -> None:
    d = pairwise(rank_matrix(rankings, LABELS))
    ours = schulze(d, LABELS, None)["winners"]
    if len(ours) == 1:
        reference = votelib.evaluate.condorcet.Schulze().evaluate(encoded(d, LABELS), n_seats=1)
        assert reference == ours


def test_nine_ballots_elect_c_where_winning_votes_alone_tie_a_and_c() -> None:
    options = ("A", "B", "C")
    d = pairwise(rank_matrix(NINE, (*options, DEFAULT)))
    assert d[:3, :3].tolist() == [[0, 5, 2], [4, 0, 4], [4, 3, 0]]
    ballots = [{"ranking": r} for r in NINE]
    tally = M.tally(ballots, options, M.check_params({}, options))
    assert (tally.winners, tally.passed) == (("C",), True)
    assert tally.details["strongest_paths"][2][0] == tally.details["strongest_paths"][0][2] == 4
    assert tally.details["strongest_path_losing"][2][0] == 2
    assert tally.details["strongest_path_losing"][0][2] == 3
    oracle = debian_a5.count(NINE, (*options, DEFAULT), DEFAULT, {}, 0, None)
    assert oracle.winner == "C"
    reference = votelib.evaluate.condorcet.Schulze().evaluate(encoded(d, (*options, DEFAULT)))
    assert reference == ["C"]
    before = {"default_option": DEFAULT, "default_ratio": {"ratio": "1:1", "strict": True}}
    legacy = M.tally(ballots, options, before)
    assert (legacy.winners, legacy.passed) == (("A", "C"), False)
    assert "strongest_path_losing" not in legacy.details


@settings(max_examples=300, deadline=None)
@given(ratio, st.integers(0, 60), st.integers(0, 60))
def test_a_supermajority_passes_exactly_when_a5_3_2_says_the_option_defeats_the_default(
    value: tuple[str, bool], yes: int, no: int
) -> None:
    m = method("supermajority")
    params = m.check_params({"threshold": as_ratio(value)}, ())
    ballots = [{"choice": "yes"}] * yes + [{"choice": "no"}] * no
    assert m.tally(ballots, (), params).passed == debian_a5.defeats_default(
        yes, no, requirement(value)
    )
