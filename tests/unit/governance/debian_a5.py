"""Debian's vote counting, written from the text of the constitution as a test oracle.

The text is appendix A.5 "Vote Counting" of the Constitution for the Debian Project
v1.9 (ratified 2022-03-26; the same steps were numbered A.6 in v1.7 and v1.8). Each
step below quotes it and does literally what it says, with plain Python sets and
loops: no matrices, no widest paths, nothing shared with ``governance.methods``.

Two choices the text leaves to "the text which refers to it" are parameters here:
the majority ratio of each option (A.5(3)(3), generalised from S:1 to N:M) and who
holds the casting vote (A.5(8)), a function choosing among the tied options. The
"strict" ratio is the text before GR 2015-003: V(A,D) strictly greater than N·V(D,A).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

Ranking = Sequence[Sequence[str]]  # tiers, best first; a tier holds equally ranked options


@dataclass(frozen=True)
class Requirement:
    """A majority ratio N (a fraction), under the current text or the pre-2015 one."""

    n: Fraction
    strict: bool = False


@dataclass(frozen=True)
class Outcome:
    below_quorum: frozenset[str]
    dropped: frozenset[str]  # by quorum or by majority
    schwartz: frozenset[str]  # the options A.5(8) chooses from
    winner: str | None  # None: several options and nobody with a casting vote


def place(ballot: Ranking, option: str) -> int:
    """A.5(1): "Ranked options are considered preferred to all unranked options. ...
    Unranked options are considered to be ranked equally with one another."""
    for i, tier in enumerate(ballot):
        if option in tier:
            return i
    return len(ballot)


def V(ballots: Sequence[Ranking], a: str, b: str) -> int:
    """A.5(3)(1): "V(A,B) is the number of voters who prefer option A over option B"."""
    return sum(1 for ballot in ballots if place(ballot, a) < place(ballot, b))


def defeats_default(v_ad: int, v_da: int, need: Requirement) -> bool:
    """A.5(3)(2): "An option A defeats the default option D by a majority ratio N, if
    V(A,D) is greater or equal to N * V(D,A) and V(A,D) is strictly greater than
    V(D,A)." (Before 2015: "strictly greater than N * V(D,A)".)"""
    if need.strict:
        return v_ad > need.n * v_da
    return v_ad >= need.n * v_da and v_ad > v_da


def count(
    ballots: Sequence[Ranking],
    options: Sequence[str],
    default: str,
    majority: dict[str, Requirement],
    quorum: int,
    casting: Callable[[frozenset[str]], str] | None,
) -> Outcome:
    """A.5(2)-(8) over ``options`` (the default option among them)."""
    # A.5(2): "If the ballot has a quorum requirement R any options other than the
    # default option which do not receive at least R votes ranking that option above
    # the default option are dropped from consideration."
    below = {a for a in options if a != default and V(ballots, a, default) < quorum}
    # A.5(3): "Any (non-default) option which does not defeat the default option by
    # its required majority ratio is dropped from consideration." (3)(3): "If a
    # supermajority of S:1 is required for A, its majority ratio is S; otherwise, its
    # majority ratio is 1."
    weak = {
        a
        for a in options
        if a != default
        and a not in below
        and not defeats_default(
            V(ballots, a, default),
            V(ballots, default, a),
            majority.get(a, Requirement(Fraction(1))),
        )
    }
    left = [a for a in options if a not in below | weak]
    # A.5(4): "From the list of undropped options, we generate a list of pairwise
    # defeats. An option A defeats an option B, if V(A,B) is strictly greater than V(B,A)."
    defeats = {(a, b) for a in left for b in left if V(ballots, a, b) > V(ballots, b, a)}
    while True:
        schwartz = schwartz_set(left, defeats)
        inside = {(a, x) for (a, x) in defeats if a in schwartz and x in schwartz}
        if not inside:
            break
        # A.5(7): "we drop the weakest such defeats from the list of pairwise defeats,
        # and return to step 5."
        defeats -= weakest(ballots, inside)
    # A.5(8): "If there is only one such option, it is the winner. If there are
    # multiple options, the elector with the casting vote chooses which of those
    # options wins."
    winner: str | None
    if len(schwartz) == 1:
        (winner,) = schwartz
    else:
        winner = casting(frozenset(schwartz)) if casting is not None else None
    return Outcome(frozenset(below), frozenset(below | weak), frozenset(schwartz), winner)


def schwartz_set(options: Sequence[str], defeats: set[tuple[str, str]]) -> set[str]:
    """A.5(5)-(6): "An option A transitively defeats an option C if A defeats C or if
    there is some other option B where A defeats B AND B transitively defeats C." ...
    "An option A is in the Schwartz set if for all options B, either A transitively
    defeats B, or B does not transitively defeat A." """
    beats = set(defeats)
    grown = True
    while grown:
        more = {(a, c) for (a, b) in beats for (b2, c) in beats if b == b2 and a != c}
        grown = not more <= beats
        beats |= more
    return {
        a for a in options if all((a, b) in beats or (b, a) not in beats for b in options if b != a)
    }


def weakest(ballots: Sequence[Ranking], among: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """A.5(7)(1)-(2): "A defeat (A,X) is weaker than a defeat (B,Y) if V(A,X) is less
    than V(B,Y). Also, (A,X) is weaker than (B,Y) if V(A,X) is equal to V(B,Y) and
    V(X,A) is greater than V(Y,B)." "A weakest defeat is a defeat that has no other
    defeat weaker than it. There may be more than one such defeat." """

    def weaker(one: tuple[str, str], other: tuple[str, str]) -> bool:
        (a, x), (b, y) = one, other
        if V(ballots, a, x) != V(ballots, b, y):
            return V(ballots, a, x) < V(ballots, b, y)
        return V(ballots, x, a) > V(ballots, y, b)

    return {d for d in among if not any(weaker(e, d) for e in among if e != d)}
