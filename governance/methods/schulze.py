"""The Schulze count over a pairwise matrix, as Debian's constitution A.5 defines it
(numbered A.6 until v1.9; the Method that takes ballots is in ``ranked``).

Ballots become a rank matrix and the pairwise matrix ``d[i, j]`` (voters preferring i
to j) is summed in chunks with numpy. Then, with a default option D:

- A.5(2): an option ranked above D by fewer than R voters (the option quorum) is
  dropped;
- A.5(3): an option that does not defeat D by its own majority ratio (``Ratio.met``:
  V(A,D) >= N·V(D,A) and V(A,D) > V(D,A)) is dropped;
- A.5(4)-(8): among the rest, the Schwartz set after dropping the weakest defeats.
  That is the Schulze winner set (the paper shows the two agree; a property test
  holds this count to the text), found here as widest paths by Floyd–Warshall. A
  defeat's strength is its winning votes, then fewer losing votes (A.5(7)(1),
  Schulze 2011 §2.1), encoded as one integer
  ``V(A,X)·(n+1) + (n − V(X,A))`` with ``n`` the largest entry of ``d``.

Rules 1 proposals (see ``base.RULES``) compare winning votes only and publish the
figures they published then. The result carries ``d``, the strongest paths' winning
and losing votes and every dropped option, so anyone can recheck it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from governance.methods.base import SIMPLE_MAJORITY, Ratio

CHUNK = 32_768
IntMatrix = npt.NDArray[np.int64]
RankMatrix = npt.NDArray[np.integer[Any]]


def rank_matrix(rankings: Sequence[Sequence[Sequence[str]]], options: Sequence[str]) -> RankMatrix:
    """(ballots x options) ranks: 0 is first, tied options share a rank, unranked
    options rank last (``len(options)``).

    Flattened at C speed (``chain``/``map``), then scattered with numpy: no Python
    loop runs per ranked option.
    """
    index = {o: i for i, o in enumerate(options)}
    k = len(options)
    n = len(rankings)
    rank_type = np.int8 if k < 127 else np.int16
    tiers_per_ballot = np.fromiter(map(len, rankings), dtype=np.int64, count=n)
    flat = chain.from_iterable(chain.from_iterable(rankings))
    chosen = np.fromiter(map(index.__getitem__, flat), dtype=np.int64)
    tier_count = int(tiers_per_ballot.sum())
    first_tier = np.repeat(np.cumsum(tiers_per_ballot) - tiers_per_ballot, tiers_per_ballot)
    place = np.arange(tier_count, dtype=np.int64) - first_tier
    ballot = np.repeat(np.arange(n, dtype=np.int64), tiers_per_ballot)
    if len(chosen) != tier_count:  # some tiers hold several options (ties)
        sizes = map(len, chain.from_iterable(rankings))
        options_per_tier = np.fromiter(sizes, dtype=np.int64, count=tier_count)
        ballot = np.repeat(ballot, options_per_tier)
        place = np.repeat(place, options_per_tier)
    ranks = np.full((n, k), k, dtype=rank_type)
    ranks[ballot, chosen] = place
    return ranks


def pairwise(ranks: RankMatrix, chunk: int = CHUNK) -> IntMatrix:
    """``d[i, j]``: how many ballots rank option i strictly above option j."""
    k = ranks.shape[1]
    d = np.zeros((k, k), dtype=np.int64)
    for start in range(0, ranks.shape[0], chunk):
        block = ranks[start : start + chunk]
        for i in range(k):
            d[i] += np.count_nonzero(np.less(block[:, i : i + 1], block), axis=0)
    return d


def link_strengths(d: IntMatrix, losing: bool = True) -> IntMatrix:
    """Strength of each defeat (0 where i does not defeat j): winning votes, then
    fewer losing votes as one integer; winning votes alone when not ``losing``."""
    if losing:
        n = int(d.max(initial=0))
        strength = d * (n + 1) + (n - d.T)
    else:
        strength = d
    s = np.where(d > d.T, strength, 0).astype(np.int64)
    np.fill_diagonal(s, 0)
    return s


def widest_paths(s: IntMatrix) -> IntMatrix:
    """Strongest path strengths ``p[i, j]`` over link strengths ``s`` (Floyd–Warshall)."""
    p = s.copy()
    for m in range(p.shape[0]):
        p = np.maximum(p, np.minimum(p[:, m : m + 1], p[m : m + 1, :]))
    np.fill_diagonal(p, 0)
    return p


def decode(p: IntMatrix, d: IntMatrix) -> tuple[IntMatrix, IntMatrix]:
    """Winning and losing votes of each strongest path's weakest link (0, 0: no path)."""
    n = int(d.max(initial=0))
    won = np.where(p > 0, p // (n + 1), 0)
    lost = np.where(p > 0, n - p % (n + 1), 0)
    return won, lost


def winners(p: IntMatrix) -> list[int]:
    """Indices of options no other option beats by a stronger path."""
    return [i for i in range(p.shape[0]) if bool(np.all(p[i] >= p[:, i]))]


def ranking(p: IntMatrix) -> list[int]:
    """Indices ordered by how many options each beats by a stronger path (ties keep order)."""
    beats = (p > p.T).sum(axis=1)
    return sorted(range(p.shape[0]), key=lambda i: -int(beats[i]))


def schulze(
    d: IntMatrix,
    options: Sequence[str],
    default: str | None,
    ratio: Ratio = SIMPLE_MAJORITY,
    *,
    majorities: Mapping[str, Ratio] | None = None,
    quorum: int = 0,
    legacy: bool = False,
) -> dict[str, Any]:
    """The count over ``d``; with ``default``, options below the option ``quorum`` or
    not defeating it by their majority (``majorities``, else ``ratio``) are dropped."""
    everyone = list(range(len(options)))
    kept = everyone
    below: list[int] = []
    if default is not None:
        z = options.index(default)
        required = majorities or {}
        below = [i for i in everyone if i != z and int(d[i, z]) < quorum]
        kept = [
            i
            for i in everyone
            if i == z
            or (i not in below and required.get(options[i], ratio).met(int(d[i, z]), int(d[z, i])))
        ]
    sub = d[np.ix_(kept, kept)]
    p = widest_paths(link_strengths(sub, losing=not legacy))
    labels = [options[i] for i in kept]
    details: dict[str, Any] = {
        "options": list(options),
        "pairwise": d.tolist(),
        "dropped": [options[i] for i in everyone if i not in kept],
        "considered": labels,
        "strongest_paths": p.tolist(),
        "winners": [labels[i] for i in winners(p)],
        "ranking": [labels[i] for i in ranking(p)],
    }
    if not legacy:
        won, lost = decode(p, sub)
        details["strongest_paths"] = won.tolist()
        details["strongest_path_losing"] = lost.tolist()
        details["below_quorum"] = [options[i] for i in below]
    return details
