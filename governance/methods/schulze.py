"""Ranked choice by the Schulze method, with Debian's default option.

Every ballot implicitly carries the default option ("Further discussion"); options a
voter leaves unranked share the last place. The count is vectorised: ballots become a
rank matrix, the pairwise matrix ``d[i, j]`` (voters preferring i to j) is summed in
chunks with numpy, options that do not defeat the default option by their required
ratio are dropped (Debian constitution A.6), and the strongest paths (winning votes)
come from a Floyd–Warshall widest-path pass over the survivors. The result publishes
``d`` and the path matrix so anyone can recheck it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from governance.methods.base import (
    SIMPLE_MAJORITY,
    Ballot,
    Ratio,
    Tally,
    check_object,
    check_options,
    parse_ratio,
)
from ledger.kernel.errors import InvalidInput

DEFAULT_OPTION = "Further discussion"
CHUNK = 32_768
IntMatrix = npt.NDArray[np.int64]
RankMatrix = npt.NDArray[np.integer[Any]]
_KEYS = frozenset({"ranking"})


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


def widest_paths(d: IntMatrix) -> IntMatrix:
    """Strongest path strengths ``p[i, j]`` under winning votes (Floyd–Warshall)."""
    p = np.where(d > d.T, d, 0).astype(np.int64)
    np.fill_diagonal(p, 0)
    for m in range(p.shape[0]):
        p = np.maximum(p, np.minimum(p[:, m : m + 1], p[m : m + 1, :]))
    np.fill_diagonal(p, 0)
    return p


def winners(p: IntMatrix) -> list[int]:
    """Indices of options no other option beats by a stronger path."""
    return [i for i in range(p.shape[0]) if bool(np.all(p[i] >= p[:, i]))]


def ranking(p: IntMatrix) -> list[int]:
    """Indices ordered by how many options each beats by a stronger path (ties keep order)."""
    beats = (p > p.T).sum(axis=1)
    return sorted(range(p.shape[0]), key=lambda i: -int(beats[i]))


def schulze(
    d: IntMatrix, options: Sequence[str], default: str | None, ratio: Ratio = SIMPLE_MAJORITY
) -> dict[str, Any]:
    """The Schulze count over a pairwise matrix; with ``default``, options that do not
    defeat it by ``ratio`` are dropped first."""
    everyone = list(range(len(options)))
    kept = everyone
    dropped: list[str] = []
    if default is not None:
        z = options.index(default)
        kept = [i for i in everyone if i == z or ratio.met(int(d[i, z]), int(d[z, i]))]
        dropped = [options[i] for i in everyone if i not in kept]
    sub = d[np.ix_(kept, kept)]
    p = widest_paths(sub)
    labels = [options[i] for i in kept]
    return {
        "options": list(options),
        "pairwise": d.tolist(),
        "dropped": dropped,
        "considered": labels,
        "strongest_paths": p.tolist(),
        "winners": [labels[i] for i in winners(p)],
        "ranking": [labels[i] for i in ranking(p)],
    }


class Schulze:
    """Ranked ballots counted by the Schulze method (Debian's variant)."""

    name = "schulze"

    def options(self, given: Sequence[Any]) -> tuple[str, ...]:
        return check_options(given, minimum=1)

    def check_params(self, params: Any, options: tuple[str, ...]) -> dict[str, Any]:
        params = params or {}
        if not isinstance(params, dict) or set(params) - {"default_option", "default_ratio"}:
            raise InvalidInput("parameters are {default_option, default_ratio}", "params")
        default = params.get("default_option", DEFAULT_OPTION)
        if not isinstance(default, str) or not default.strip() or len(default) > 200:
            raise InvalidInput("default_option is a non-empty label", "params.default_option")
        default = default.strip()
        ratio = params.get("default_ratio", SIMPLE_MAJORITY.to_json())
        return {
            "default_option": default,
            "default_ratio": parse_ratio(ratio, "params.default_ratio").to_json(),
        }

    def all_options(self, options: tuple[str, ...], params: dict[str, Any]) -> tuple[str, ...]:
        """The proposal's options followed by the default option (unless listed)."""
        default = params["default_option"]
        return options if default in options else (*options, default)

    def check_ballot(self, raw: Any, options: tuple[str, ...], params: dict[str, Any]) -> Ballot:
        tiers = check_object(raw, _KEYS, _KEYS)["ranking"]
        everything = self.all_options(options, params)
        order = {o: i for i, o in enumerate(everything)}
        if not isinstance(tiers, list) or len(tiers) > len(everything):
            raise InvalidInput("ranking is a list of tiers, best first", "ballot.ranking")
        seen: set[str] = set()
        canonical = []
        for tier in tiers:
            names = [tier] if isinstance(tier, str) else tier
            if not isinstance(names, list) or not names:
                raise InvalidInput("each tier is an option or a non-empty list", "ballot.ranking")
            for name in names:
                if not isinstance(name, str) or name not in order:
                    raise InvalidInput(f"not an option: {name!r}", "ballot.ranking")
                if name in seen:
                    raise InvalidInput(f"{name!r} is ranked twice", "ballot.ranking")
                seen.add(name)
            canonical.append(sorted(names, key=order.__getitem__))
        return {"ranking": canonical}

    def tally(
        self, ballots: Sequence[Ballot], options: tuple[str, ...], params: dict[str, Any]
    ) -> Tally:
        everything = self.all_options(options, params)
        d = pairwise(rank_matrix([b["ranking"] for b in ballots], everything))
        ratio = parse_ratio(params["default_ratio"], "params.default_ratio")
        details = schulze(d, everything, params["default_option"], ratio)
        found = details["winners"]
        return Tally(
            method=self.name,
            passed=len(found) == 1 and found[0] != params["default_option"],
            winners=tuple(found),
            counted=len(ballots),
            details=details,
        )
