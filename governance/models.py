"""Proposals and the pure rules on them: kinds, lifecycle, quorum, validation of a
new proposal (method, options, parameters, electorate rule, action).

Every method also takes ``running_tally`` in its parameters (default true): false
keeps public ballots and the count hidden until close, as Debian does (no live
tally, and ballot events name the voter without the ballot). Secret ballots never
have a running tally."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from governance.electorate import Rule
from governance.methods import method
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput

KINDS = ("general", "policy", "credit_policy", "expense", "membership", "release")
# Kinds whose passing changes the ledger need a method with a yes/no verdict.
EFFECT_METHODS = frozenset({"majority", "supermajority", "lazy_consensus", "consent"})
RUNNING_TALLY = "running_tally"


@dataclass(frozen=True, slots=True)
class Proposal:
    project_id: int
    id: int
    title: str
    body: str
    kind: str
    options: tuple[str, ...]
    method: str
    params: dict[str, Any]
    electorate: Rule
    quorum: Fraction
    secret: bool
    action: dict[str, Any]
    state: str
    outcome: str | None
    opens_at: datetime | None
    closes_at: datetime
    closed_at: datetime | None
    electorate_size: int | None
    electorate_hash: bytes | None
    result: dict[str, Any] | None
    sheet_hash: bytes | None
    effect: dict[str, Any] | None
    created_by: str
    created_at: datetime

    @property
    def running_tally(self) -> bool:
        """Whether ballots and the count are public while voting is open."""
        return not self.secret and self.params.get(RUNNING_TALLY, True) is not False

    def require_state(self, *states: str) -> None:
        """Conflict unless the proposal is in one of ``states``."""
        if self.state not in states:
            raise Conflict(
                f"proposal {self.id} is {self.state}, not {' or '.join(states)}",
                ConflictCode.PROPOSAL_STATE,
            )

    def public(self) -> dict[str, Any]:
        """The journaled description of the proposal."""
        return {
            "proposal_id": self.id,
            "title": self.title,
            "kind": self.kind,
            "options": list(self.options),
            "method": self.method,
            "params": self.params,
            "electorate_rule": self.electorate.to_json(),
            "quorum": str(self.quorum),
            "secret": self.secret,
            "action": self.action,
        }


@dataclass(frozen=True, slots=True)
class Draft:
    """A validated new proposal."""

    title: str
    body: str
    kind: str
    options: tuple[str, ...]
    method: str
    params: dict[str, Any]
    electorate: Rule
    quorum: Fraction
    action: dict[str, Any]


def parse_quorum(value: str) -> Fraction:
    """An exact share of the electorate ("1/4", "0.25", "0"), between 0 and 1."""
    try:
        share = Fraction(value.strip()) if isinstance(value, str) and len(value) <= 40 else None
    except (ValueError, ZeroDivisionError):
        share = None
    if share is None or not 0 <= share <= 1:
        raise InvalidInput('quorum is a share of the electorate like "1/4", 0 to 1', "quorum")
    return share


def quorum_met(quorum: Fraction, counted: int, electorate: int) -> bool:
    """Whether ``counted`` ballots reach ``quorum`` of ``electorate`` (exact)."""
    return counted * quorum.denominator >= quorum.numerator * electorate


def check_draft(
    title: str,
    body: str,
    kind: str,
    options: list[str],
    method_name: str,
    params: Any,
    electorate: Rule,
    quorum: str,
    action: dict[str, Any],
) -> Draft:
    """Validate a new proposal; InvalidInput names the first bad field."""
    title = title.strip()
    if not 1 <= len(title) <= 200:
        raise InvalidInput("title is 1 to 200 characters", "title")
    if len(body) > 50_000:
        raise InvalidInput("body is at most 50000 characters", "body")
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", "kind")
    counted_by = method(method_name)
    labels = counted_by.options(options)
    running = True
    if isinstance(params, dict) and RUNNING_TALLY in params:
        params = dict(params)
        running = params.pop(RUNNING_TALLY)
        if not isinstance(running, bool):
            raise InvalidInput("running_tally is true or false", f"params.{RUNNING_TALLY}")
    checked = counted_by.check_params(params, labels)
    if not running:
        checked = {**checked, RUNNING_TALLY: False}
    if kind in ("credit_policy", "expense", "membership") and method_name not in EFFECT_METHODS:
        raise InvalidInput(f"a {kind} proposal needs a yes/no method", "method")
    return Draft(
        title, body, kind, labels, method_name, checked, electorate, parse_quorum(quorum), action
    )
