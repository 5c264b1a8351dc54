"""Invariants of the tally methods, delegation and recount, checked by hypothesis."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.count import public_sheet, recount
from governance.delegation import cycles, resolve
from governance.methods import method
from governance.methods.base import Ratio
from governance.methods.schulze import pairwise, rank_matrix, schulze
from governance.models import quorum_met
from ledger.kernel.errors import InvalidInput

LABELS = ("A", "B", "C", "D", "E")


@st.composite
def rankings(draw: st.DrawFn, options: tuple[str, ...] = LABELS) -> list[list[str]]:
    order = draw(st.permutations(options))
    cut = draw(st.integers(0, len(options)))
    return [[o] for o in order[:cut]]


@settings(max_examples=150, deadline=None)
@given(st.lists(rankings(), min_size=1, max_size=40))
def test_a_condorcet_winner_always_wins_schulze(ballots: list[list[list[str]]]) -> None:
    d = pairwise(rank_matrix(ballots, LABELS))
    beats_all = [i for i in range(5) if all(d[i, j] > d[j, i] for j in range(5) if j != i)]
    result = schulze(d, LABELS, None)
    if beats_all:
        assert result["winners"] == [LABELS[beats_all[0]]]
    assert result["winners"]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 9), st.integers(1, 9), st.booleans(), st.integers(0, 200), st.integers(0, 200)
)
def test_supermajority_passes_exactly_beyond_its_ratio_and_refuses_ratios_below_one(
    a: int, b: int, strict: bool, yes: int, no: int
) -> None:
    share = Fraction(a, a + b)
    m = method("supermajority")
    threshold = {"threshold": {"ratio": f"{a}:{b}", "strict": strict}}
    if a < b:
        with pytest.raises(InvalidInput):
            m.check_params(threshold, ())
        return
    params = m.check_params(threshold, ())
    passed = m.tally([{"choice": "yes"}] * yes + [{"choice": "no"}] * no, (), params).passed
    if yes <= no:
        assert not passed
    else:
        got = Fraction(yes, yes + no)
        assert passed == (got > share if strict else got >= share)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 50), st.integers(2, 4))
def test_the_exact_boundary_fails_strict_and_passes_inclusive(no: int, a: int) -> None:
    yes = a * no
    assert not Ratio(a, 1, strict=True).met(yes, no)
    assert Ratio(a, 1, strict=False).met(yes, no)
    assert Ratio(a, 1, strict=True).met(yes + 1, no)
    assert not Ratio(1, 1, strict=False).met(no, no)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 5), st.integers(0, 5), st.lists(st.sampled_from(LABELS), max_size=7))
def test_approval_ballots_are_accepted_exactly_within_bounds(
    low: int, high: int, chosen: list[str]
) -> None:
    m = method("approval")
    if not 0 <= low <= high or high == 0:
        return
    params = m.check_params({"min": low, "max": high}, LABELS)
    try:
        m.check_ballot({"approve": chosen}, LABELS, params)
        accepted = True
    except InvalidInput:
        accepted = False
    assert accepted == (len(set(chosen)) == len(chosen) and low <= len(chosen) <= high)


electors = st.lists(st.integers(1, 12), min_size=1, max_size=12, unique=True)


@settings(max_examples=200, deadline=None)
@given(electors, st.data())
def test_delegation_counts_each_elector_at_most_once_and_never_through_a_cycle(
    voters: list[int], data: st.DataObject
) -> None:
    direct = data.draw(st.sets(st.sampled_from(voters)))
    people = st.sampled_from(voters) | st.integers(13, 16)  # 13-16 are outside
    pairs = data.draw(st.dictionaries(people, people))
    delegations = {a: b for a, b in pairs.items() if a != b}
    counted = resolve(voters, direct, delegations)
    assert set(counted) <= set(voters)
    assert set(counted.values()) <= direct
    for voter in direct:
        assert counted[voter] == voter
    for voter in set(voters) - direct:
        # Follow the chain by hand: the vote counts only if it reaches a direct voter
        # before it runs out, leaves the electorate or comes back to a voter on it.
        path, current = [], voter
        while (
            current not in path
            and current not in direct
            and current in delegations
            and current in voters
        ):
            path.append(current)
            current = delegations[current]
        assert (voter in counted) == (current in direct)
        if voter in counted:
            assert set(path) <= set(voters)


def test_a_chain_through_someone_outside_the_electorate_ends_there() -> None:
    assert resolve([1, 3], {3}, {1: 2, 2: 3}) == {3: 3}
    assert resolve([1, 2, 3], {3}, {1: 2, 2: 3}) == {1: 3, 2: 3, 3: 3}


def test_a_pure_cycle_is_reported_and_nobody_on_it_votes() -> None:
    delegations = {1: 2, 2: 3, 3: 1, 4: 1}
    assert cycles(delegations) == [[1, 2, 3]]
    assert resolve([1, 2, 3, 4], set(), delegations) == {}
    assert resolve([1, 2, 3, 4], {3}, delegations) == {1: 3, 2: 3, 3: 3, 4: 3}


yes_no = st.sampled_from([{"choice": "yes"}, {"choice": "no"}, {"choice": "abstain"}])


@settings(max_examples=100, deadline=None)
@given(electors, st.data(), st.fractions(0, 1))
def test_a_recount_of_the_published_sheet_gives_the_same_result(
    voters: list[int], data: st.DataObject, quorum: Fraction
) -> None:
    cast = data.draw(st.dictionaries(st.sampled_from(voters), yes_no))
    pairs = data.draw(st.dictionaries(st.sampled_from(voters), st.sampled_from(voters)))
    sheet = public_sheet(sorted(voters), cast, {a: b for a, b in pairs.items() if a != b})
    first = recount(sheet, "majority", ("yes", "no", "abstain"), {}, quorum, len(voters))
    again = recount(
        [dict(r) for r in first.sheet],
        "majority",
        ("yes", "no", "abstain"),
        {},
        quorum,
        len(voters),
    )
    assert again.result() == first.result()
    assert again.sheet_hash == first.sheet_hash
    assert (first.outcome == "no_quorum") == (not quorum_met(quorum, len(sheet), len(voters)))
