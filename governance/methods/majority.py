"""Yes / no / abstain votes: simple majority and supermajority with an exact ratio.

Abstentions count towards quorum but not towards the majority: a proposal passes when
``yes : no`` meets the ratio (simple majority is 1:1, strictly greater).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from governance.methods.base import (
    SIMPLE_MAJORITY,
    Ballot,
    Ratio,
    Tally,
    check_choice,
    check_object,
    parse_ratio,
)
from ledger.kernel.errors import InvalidInput

CHOICES = ("yes", "no", "abstain")
_KEYS = frozenset({"choice"})


def count(choices: Iterable[str]) -> tuple[int, int, int]:
    """(yes, no, abstain) counts of a stream of choices."""
    counts = Counter(choices)
    return counts["yes"], counts["no"], counts["abstain"]


def decide(yes: int, no: int, abstain: int, ratio: Ratio, method: str) -> Tally:
    """The verdict on counted choices under ``ratio``."""
    passed = ratio.met(yes, no)
    return Tally(
        method=method,
        passed=passed,
        winners=("yes",) if passed else ("no",),
        counted=yes + no + abstain,
        details={"yes": yes, "no": no, "abstain": abstain, "threshold": ratio.to_json()},
    )


class Supermajority:
    """Passes when yes : no meets the configured ratio."""

    name = "supermajority"

    def options(self, given: Sequence[Any]) -> tuple[str, ...]:
        if given and tuple(given) != CHOICES:
            raise InvalidInput("a yes/no vote takes no options", "options")
        return CHOICES

    def ratio(self, params: dict[str, Any]) -> Ratio:
        return parse_ratio(params.get("threshold"), "params.threshold")

    def check_params(self, params: Any, options: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(params, dict) or set(params) - {"threshold"}:
            raise InvalidInput("parameters are {threshold: {ratio, strict}}", "params")
        if "threshold" not in params:
            raise InvalidInput("a supermajority needs a threshold ratio", "params.threshold")
        return {"threshold": self.ratio(params).to_json()}

    def check_ballot(self, raw: Any, options: tuple[str, ...], params: dict[str, Any]) -> Ballot:
        ballot = check_object(raw, _KEYS, _KEYS)
        return {"choice": check_choice(ballot["choice"], CHOICES)}

    def tally(
        self, ballots: Sequence[Ballot], options: tuple[str, ...], params: dict[str, Any]
    ) -> Tally:
        yes, no, abstain = count(b["choice"] for b in ballots)
        return decide(yes, no, abstain, self.ratio(params), self.name)


class Majority(Supermajority):
    """Simple majority: more yes than no."""

    name = "majority"

    def ratio(self, params: dict[str, Any]) -> Ratio:
        return SIMPLE_MAJORITY

    def check_params(self, params: Any, options: tuple[str, ...]) -> dict[str, Any]:
        if params not in (None, {}):
            raise InvalidInput("a simple majority takes no parameters", "params")
        return {}
