"""The count at close (and for live tallies), and the recount anyone can do.

The tally sheet is the public evidence: with public ballots one row per counted
person ``{voter, cast_by, ballot}``: ``voter`` is the elector record counted,
``cast_by`` the record whose ballot it counts as (another person's under delegation);
with secret ballots one row per standing ballot ``{receipt, ballot}`` sorted by
receipt (random, so the order says nothing), and beside it the sorted list of who
voted (``Count.voters``) to check the sheet against. People, not records, vote
(``people``). ``recount(sheet, ...)`` recomputes the outcome from the sheet alone; a
casting voter (Debian A.5(8)) is found on it by ``voter``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from governance import people
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
    voters: tuple[int, ...] | None = None  # secret ballots: whose ballots were counted

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
    electors: Sequence[int],
    ballots: Mapping[int, Ballot],
    delegations: Mapping[int, int],
    person: people.Person | None = None,
) -> list[dict[str, Any]]:
    """Rows of a public tally sheet, delegation applied, by voter id; ``ballots`` are
    the standing ones (at most one per person, see ``people.standing``)."""
    who = person or {}
    represented = people.representatives(electors, who)
    cast = {people.of(who, record): record for record in sorted(ballots)}
    counted = resolve(list(represented), cast.keys(), people.delegations(delegations, who))
    rows = []
    for voter, caster in counted.items():
        record = cast[voter] if voter == caster else represented[voter]
        rows.append({"voter": record, "cast_by": cast[caster], "ballot": ballots[cast[caster]]})
    return sorted(rows, key=lambda r: r["voter"])


def secret_sheet(ballots: Mapping[int, tuple[Ballot, bytes]]) -> list[dict[str, Any]]:
    """Rows of a secret tally sheet: receipt -> ballot, in receipt order."""
    rows = [{"receipt": receipt.hex(), "ballot": ballot} for ballot, receipt in ballots.values()]
    return sorted(rows, key=lambda r: r["receipt"])


def casting_ballot(sheet: Sequence[Mapping[str, Any]], params: dict[str, Any]) -> Ballot | None:
    """The counted ballot of the proposal's casting voter, if one is named and counted."""
    voter = (params.get("casting_vote") or {}).get("voter")
    found = [row["ballot"] for row in sheet if voter is not None and row.get("voter") == voter]
    return found[0] if found else None


def recount(
    sheet: Sequence[Mapping[str, Any]],
    method_name: str,
    options: tuple[str, ...],
    params: dict[str, Any],
    quorum: Fraction,
    electorate_size: int,
) -> Count:
    """The outcome of a tally sheet under the proposal's method and quorum."""
    ballots = [row["ballot"] for row in sheet]
    tally = method(method_name).tally(ballots, options, params, casting_ballot(sheet, params))
    if not quorum_met(quorum, tally.counted, electorate_size):
        outcome = "no_quorum"
    else:
        outcome = "passed" if tally.passed else "failed"
    return Count(outcome, tally, [dict(r) for r in sheet], electorate_size)
