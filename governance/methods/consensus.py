"""Lazy consensus and consent: a proposal passes at close unless a binding objection
stands. Every veto or objection must carry a reason; a voter may withdraw theirs by
casting a new ballot before close (the latest ballot counts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from governance.methods.base import (
    Ballot,
    Tally,
    check_choice,
    check_object,
    check_reason,
    no_params,
)
from ledger.kernel.errors import InvalidInput

_KEYS = frozenset({"choice", "reason"})


class _Objectable:
    name = ""
    choices: tuple[str, ...] = ()
    blocking = ""

    def options(self, given: Sequence[Any]) -> tuple[str, ...]:
        if given and tuple(given) != self.choices:
            raise InvalidInput(f"{self.name} takes no options", "options")
        return self.choices

    def check_params(self, params: Any, options: tuple[str, ...]) -> dict[str, Any]:
        return no_params(params)

    def check_ballot(self, raw: Any, options: tuple[str, ...], params: dict[str, Any]) -> Ballot:
        ballot = check_object(raw, _KEYS, frozenset({"choice"}))
        choice = check_choice(ballot["choice"], self.choices)
        reason = check_reason(ballot.get("reason"), required=choice == self.blocking)
        return {"choice": choice, "reason": reason} if reason else {"choice": choice}

    def tally(
        self,
        ballots: Sequence[Ballot],
        options: tuple[str, ...],
        params: dict[str, Any],
        casting: Ballot | None = None,
    ) -> Tally:
        counts = Counter(b["choice"] for b in ballots)
        reasons = [b["reason"] for b in ballots if b["choice"] == self.blocking]
        passed = counts[self.blocking] == 0
        return Tally(
            method=self.name,
            passed=passed,
            winners=(),
            counted=len(ballots),
            details={
                "counts": {c: counts[c] for c in self.choices},
                "objections": sorted(reasons),
            },
        )


class LazyConsensus(_Objectable):
    """Silence is assent: passes unless a veto (with a reason) was cast."""

    name = "lazy_consensus"
    choices = ("support", "abstain", "veto")
    blocking = "veto"


class Consent(_Objectable):
    """Passes unless an objection (with a reason) stands at close."""

    name = "consent"
    choices = ("consent", "stand_aside", "object")
    blocking = "object"
