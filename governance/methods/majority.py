"""Yes / no / abstain votes: simple majority and supermajority with an exact ratio.

Abstentions count towards quorum but not towards the majority: a proposal passes when
``yes : no`` meets the ratio (simple majority: more yes than no). A supermajority
``N:M`` (at least 1:1) follows Debian's rule in force since GR 2015-003: at least
N·no/M yes and more yes than no; ``"strict": true`` asks for more than N·no/M.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from governance.methods.base import (
    RULES,
    RULES_KEY,
    SIMPLE_MAJORITY,
    Ballot,
    Ratio,
    Tally,
    check_choice,
    check_object,
    check_rules,
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
        return Ratio.stored(params["threshold"], params)

    def check_params(self, params: Any, options: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(params, dict) or set(params) - {"threshold", RULES_KEY}:
            raise InvalidInput("parameters are {threshold: {ratio, strict}}", "params")
        if "threshold" not in params:
            raise InvalidInput("a supermajority needs a threshold ratio", "params.threshold")
        check_rules(params)
        threshold = parse_ratio(params["threshold"], "params.threshold")
        return {"threshold": threshold.to_json(), RULES_KEY: RULES}

    def check_ballot(self, raw: Any, options: tuple[str, ...], params: dict[str, Any]) -> Ballot:
        ballot = check_object(raw, _KEYS, _KEYS)
        return {"choice": check_choice(ballot["choice"], CHOICES)}

    def tally(
        self,
        ballots: Sequence[Ballot],
        options: tuple[str, ...],
        params: dict[str, Any],
        casting: Ballot | None = None,
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
