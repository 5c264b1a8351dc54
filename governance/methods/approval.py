"""Approval voting: each voter approves between ``min`` and ``max`` options; the
option approved most often wins (a tie for first place decides nothing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from governance.methods.base import Ballot, Tally, check_object, check_options
from ledger.kernel.errors import InvalidInput

_KEYS = frozenset({"approve"})


def counts(approvals: Iterable[Iterable[str]], options: Sequence[str]) -> dict[str, int]:
    """Approvals per option, every option listed (counted at C speed by Counter)."""
    counted = Counter(chain.from_iterable(approvals))
    return {o: counted.get(o, 0) for o in options}


def decide(tallied: dict[str, int], ballots: int) -> Tally:
    """The verdict on approval counts: a unique most-approved option wins."""
    top = max(tallied.values(), default=0)
    winners = tuple(o for o, n in tallied.items() if n == top) if top > 0 else ()
    return Tally(
        method="approval",
        passed=len(winners) == 1,
        winners=winners,
        counted=ballots,
        details={"approvals": tallied, "tied": len(winners) > 1},
    )


class Approval:
    """Approve any number of options between ``min`` and ``max``."""

    name = "approval"

    def options(self, given: Sequence[Any]) -> tuple[str, ...]:
        return check_options(given)

    def check_params(self, params: Any, options: tuple[str, ...]) -> dict[str, Any]:
        params = params or {}
        if not isinstance(params, dict) or set(params) - {"min", "max"}:
            raise InvalidInput("parameters are {min, max}", "params")
        low, high = params.get("min", 0), params.get("max", len(options))
        for name, value in (("min", low), ("max", high)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidInput(f"{name} must be an integer", f"params.{name}")
        if not 0 <= low <= high <= len(options) or high == 0:
            raise InvalidInput("need 0 <= min <= max <= number of options, max >= 1", "params")
        return {"min": low, "max": high}

    def check_ballot(self, raw: Any, options: tuple[str, ...], params: dict[str, Any]) -> Ballot:
        chosen = check_object(raw, _KEYS, _KEYS)["approve"]
        if not isinstance(chosen, list) or any(not isinstance(o, str) for o in chosen):
            raise InvalidInput("approve is a list of options", "ballot.approve")
        unknown = set(chosen) - set(options)
        if unknown:
            raise InvalidInput(f"not an option: {sorted(unknown)[0]!r}", "ballot.approve")
        if len(set(chosen)) != len(chosen):
            raise InvalidInput("each option may be approved once", "ballot.approve")
        if not params["min"] <= len(chosen) <= params["max"]:
            raise InvalidInput(
                f"approve between {params['min']} and {params['max']} options", "ballot.approve"
            )
        order = {o: i for i, o in enumerate(options)}
        return {"approve": sorted(chosen, key=order.__getitem__)}

    def tally(
        self,
        ballots: Sequence[Ballot],
        options: tuple[str, ...],
        params: dict[str, Any],
        casting: Ballot | None = None,
    ) -> Tally:
        return decide(counts((b["approve"] for b in ballots), options), len(ballots))
