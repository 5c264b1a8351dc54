"""The count at close (and for live tallies), and the recount anyone can do.

The tally sheet is the public evidence: with public ballots one row per counted
elector ``{voter, cast_by, ballot}`` (``cast_by`` differs when the vote came through
delegation); with secret ballots one row per ballot ``{receipt, ballot}`` sorted by
receipt. ``recount(sheet, ...)`` recomputes the outcome from the sheet alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from governance.delegation import resolve
from governance.methods import Ballot, Tally, method
from governance.models import quorum_met
from ledger.journal.canonical import canonical_json, sha256


@dataclass(frozen=True, slots=True)
class Count:
    outcome: str
    tally: Tally
    sheet: list[dict[str, Any]]
    electorate_size: int

    @property
    def sheet_hash(self) -> bytes:
        """SHA-256 of the canonical tally sheet."""
        return sha256(canonical_json(self.sheet))

    def result(self) -> dict[str, Any]:
        """The published result: outcome, turnout, quorum figures and the tally."""
        return {
            "outcome": self.outcome,
            "electorate_size": self.electorate_size,
            "turnout": self.tally.counted,
            **self.tally.to_json(),
        }


def public_sheet(
    electors: Sequence[int], ballots: Mapping[int, Ballot], delegations: Mapping[int, int]
) -> list[dict[str, Any]]:
    """Rows of a public tally sheet, delegation applied, by voter id."""
    counted = resolve(electors, ballots.keys(), delegations)
    return [
        {"voter": voter, "cast_by": caster, "ballot": ballots[caster]}
        for voter, caster in sorted(counted.items())
    ]


def secret_sheet(ballots: Mapping[int, tuple[Ballot, bytes]]) -> list[dict[str, Any]]:
    """Rows of a secret tally sheet: receipt -> ballot, in receipt order."""
    rows = [{"receipt": receipt.hex(), "ballot": ballot} for ballot, receipt in ballots.values()]
    return sorted(rows, key=lambda r: r["receipt"])


def recount(
    sheet: Sequence[Mapping[str, Any]],
    method_name: str,
    options: tuple[str, ...],
    params: dict[str, Any],
    quorum: Fraction,
    electorate_size: int,
) -> Count:
    """The outcome of a tally sheet under the proposal's method and quorum."""
    tally = method(method_name).tally([row["ballot"] for row in sheet], options, params)
    if not quorum_met(quorum, tally.counted, electorate_size):
        outcome = "no_quorum"
    else:
        outcome = "passed" if tally.passed else "failed"
    return Count(outcome, tally, [dict(r) for r in sheet], electorate_size)
