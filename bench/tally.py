"""Tally speed beside a reference implementation from PyPI (votelib), same ballots,
same run, results compared.

- Schulze: 100,000 ranked ballots of 10 options (``--small``: 10,000). Ours is the
  proposal's whole count under Debian's A.5 (count_rules 2): the default option added
  to every ballot, an option quorum, a 3:1 majority for one option, links by winning
  then losing votes, the lot as casting vote; from the stored ballots to the winner.
  votelib's goes from the same rankings with the default option ranked last
  (aggregated as it needs them, converted to pairwise counts, then its Schulze).
  Targets: same winner, >= 10x faster, < 1 s.
- Approval and simple majority: 1,000,000 ballots (``--small``: 100,000); votelib's
  approval-to-simple conversion with Plurality, and Plurality over the yes/no choices.

Each side is timed as the best of three runs. Ballots follow a noisy consensus order (each voter perturbs a shared ranking), so a
clear winner exists, as in real votes; the seed is fixed.

    .venv/bin/python -m bench.tally [--small]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import votelib.convert
import votelib.evaluate.condorcet
import votelib.evaluate.core

from governance.methods import approval, majority, method
from governance.methods.base import SIMPLE_MAJORITY
from governance.methods.ranked import DEFAULT_OPTION

T = TypeVar("T")
OPTIONS = [f"option-{i}" for i in range(10)]
REPEAT = 3
SCHULZE = method("schulze")
RULES = SCHULZE.check_params(
    {"majorities": {"option-0": "3:1"}, "option_quorum": 100, "casting_vote": {"rule": "lot"}},
    tuple(OPTIONS),
)


def timed(work: Callable[[], T], repeat: int) -> tuple[T, float]:
    """The result and the best of ``repeat`` wall times (the machine may be shared)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return result, best


def rankings(count: int, rng: random.Random) -> list[list[list[str]]]:
    """Ranked ballots around a shared order: each option's score is its place plus noise."""
    ballots = []
    for _ in range(count):
        scored = sorted(OPTIONS, key=lambda o: OPTIONS.index(o) + rng.gauss(0, 4))
        ballots.append([[o] for o in scored])
    return ballots


def approvals(count: int, rng: random.Random) -> list[list[str]]:
    weights = [1.0 / (1 + i / 3) for i in range(len(OPTIONS))]
    return [
        [o for o, w in zip(OPTIONS, weights, strict=True) if rng.random() < w / 2]
        for _ in range(count)
    ]


def ours_schulze(ballots: list[dict[str, Any]]) -> list[str]:
    return list(SCHULZE.tally(ballots, tuple(OPTIONS), RULES).winners)


def votelib_schulze(ballots: list[list[list[str]]]) -> list[str]:
    aggregated = Counter((*(tier[0] for tier in ballot), DEFAULT_OPTION) for ballot in ballots)
    counts = votelib.convert.RankedToCondorcetVotes().convert(dict(aggregated))
    found: list[Any] = votelib.evaluate.condorcet.Schulze().evaluate(counts, n_seats=1)
    return [str(w) for w in found]


def ours_approval(ballots: list[list[str]]) -> list[str]:
    return list(approval.decide(approval.counts(ballots, OPTIONS), len(ballots)).winners)


def votelib_approval(ballots: list[list[str]]) -> list[str]:
    aggregated = Counter(frozenset(b) for b in ballots)
    simple = votelib.convert.ApprovalToSimpleVotes().convert(dict(aggregated))
    return [str(w) for w in votelib.evaluate.core.Plurality().evaluate(simple, n_seats=1)]


def ours_majority(choices: list[str]) -> list[str]:
    yes, no, abstain = majority.count(choices)
    return list(majority.decide(yes, no, abstain, SIMPLE_MAJORITY, "majority").winners)


def votelib_majority(choices: list[str]) -> list[str]:
    simple = {k: v for k, v in Counter(choices).items() if k != "abstain"}
    return [str(w) for w in votelib.evaluate.core.Plurality().evaluate(simple, n_seats=1)]


def compare(
    name: str, count: int, ours: Callable[[], list[str]], reference: Callable[[], list[str]]
) -> bool:
    ours()  # warm-up (imports, numpy first call)
    mine, t_ours = timed(ours, REPEAT)
    theirs, t_ref = timed(reference, REPEAT)
    same = mine == theirs
    print(
        f"{name:<10} {count:>9,} ballots  ours {t_ours * 1000:9.1f} ms  "
        f"votelib {t_ref * 1000:9.1f} ms  ratio {t_ref / t_ours:7.1f}x  "
        f"winner {mine} {'==' if same else '!='} {theirs}"
    )
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10x fewer ballots")
    args = parser.parse_args()
    ranked_n, flat_n = (10_000, 100_000) if args.small else (100_000, 1_000_000)
    rng = random.Random(20261126)
    print("generating ballots...")
    ranked = rankings(ranked_n, rng)
    stored = [{"ranking": r} for r in ranked]  # as the ballots table holds them
    approved = approvals(flat_n, rng)
    choices = rng.choices(["yes", "no", "abstain"], weights=[5, 4, 2], k=flat_n)
    results = [
        compare("schulze", ranked_n, lambda: ours_schulze(stored), lambda: votelib_schulze(ranked)),
        compare(
            "approval", flat_n, lambda: ours_approval(approved), lambda: votelib_approval(approved)
        ),
        compare(
            "majority", flat_n, lambda: ours_majority(choices), lambda: votelib_majority(choices)
        ),
    ]
    print("targets: same results, Schulze >= 10x the reference and under 1 s")
    if not all(results):
        raise SystemExit("results differ from the reference")


if __name__ == "__main__":
    main()
