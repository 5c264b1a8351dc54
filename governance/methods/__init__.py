"""The tally methods by name; each is pure: ballots in, a recheckable result out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from governance.methods.approval import Approval
from governance.methods.base import Ballot, Tally
from governance.methods.consensus import Consent, LazyConsensus
from governance.methods.majority import Majority, Supermajority
from governance.methods.ranked import Schulze
from ledger.kernel.errors import InvalidInput


class Method(Protocol):
    name: str

    def options(self, given: Sequence[Any]) -> tuple[str, ...]: ...

    def check_params(self, params: Any, options: tuple[str, ...]) -> dict[str, Any]: ...

    def check_ballot(
        self, raw: Any, options: tuple[str, ...], params: dict[str, Any]
    ) -> Ballot: ...

    def tally(
        self,
        ballots: Sequence[Ballot],
        options: tuple[str, ...],
        params: dict[str, Any],
        casting: Ballot | None = None,
    ) -> Tally:
        """The verdict on ``ballots``; ``casting`` is the casting voter's counted ballot
        (Debian A.5(8)), which only methods that settle ties consult."""
        ...


METHODS: dict[str, Method] = {
    m.name: m
    for m in (Majority(), Supermajority(), Approval(), Schulze(), LazyConsensus(), Consent())
}


def method(name: str) -> Method:
    """The method called ``name``; InvalidInput names the known ones otherwise."""
    found = METHODS.get(name)
    if found is None:
        raise InvalidInput(f"method must be one of {', '.join(sorted(METHODS))}", "method")
    return found


__all__ = ["METHODS", "Ballot", "Method", "Tally", "method"]
