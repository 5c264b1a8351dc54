"""Liquid delegation, resolved at tally time (pure).

An elector without a ballot of their own follows their delegation (the one for the
proposal's kind, else their global one) from delegate to delegate until someone who
voted directly; their vote then counts as that ballot. A chain runs only through the
proposal's electorate: at a delegate outside it the chain ends and the vote is not
counted (an outsider may neither vote nor pass votes on). A chain that returns to a
voter already on it is a cycle: it is ignored and those electors do not vote. A
direct ballot always overrides a delegation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping


def choose(delegations: Mapping[tuple[int, str], int], kind: str) -> dict[int, int]:
    """Per delegator, the delegate for ``kind``: the kind-specific one, else the global ("*")."""
    chosen: dict[int, int] = {}
    for (delegator, scope), delegate in sorted(delegations.items(), key=lambda i: i[0][1] != "*"):
        if scope in ("*", kind):
            chosen[delegator] = delegate
    return chosen


def resolve(
    electors: Collection[int], direct: Collection[int], delegations: Mapping[int, int]
) -> dict[int, int]:
    """For each elector whose vote counts, the elector whose ballot it counts as."""
    eligible = set(electors)
    voted = set(direct) & eligible
    counted: dict[int, int] = {}
    for elector in electors:
        if elector in voted:
            counted[elector] = elector
            continue
        seen = {elector}
        current = delegations.get(elector)
        while current is not None and current in eligible and current not in seen:
            if current in voted:
                counted[elector] = current
                break
            seen.add(current)
            current = delegations.get(current)
    return counted


def cycles(delegations: Mapping[int, int]) -> list[list[int]]:
    """Every delegation cycle, each listed from its smallest id (for display)."""
    found: set[tuple[int, ...]] = set()
    for start in delegations:
        path: list[int] = []
        current: int | None = start
        while current is not None and current not in path:
            path.append(current)
            current = delegations.get(current)
        if current is not None:
            loop = path[path.index(current) :]
            low = loop.index(min(loop))
            found.add(tuple(loop[low:] + loop[:low]))
    return [list(c) for c in sorted(found)]
