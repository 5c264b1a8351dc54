"""Events of governance: a proposal's life (created, opened, withdrawn, closed,
decided), ballots, voting roles and delegations (written by ``governance``).

A ballot, a method's parameters and a proposal's action are JSON objects whose shape
the proposal's method or kind defines (``governance.methods``, ``governance.effects``);
a recount reads them as the method does.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, UnsetType

from ledger.journal.events.base import DecimalText, Event, Hex, Part, Sha256, Timestamp

Json = Annotated[
    dict[str, Any],
    Meta(description="A JSON object shaped by the proposal's method or kind."),
]

Outcome = Literal["passed", "failed", "no_quorum"]
Role = Literal["maintainer", "member"]
Receipt = Annotated[
    str,
    Meta(
        pattern=r"^[0-9a-f]{64}$",
        description="A secret ballot's receipt: 32 random bytes drawn when the ballot was "
        "cast or replaced, as hex; derived from nothing, so it names no voter.",
    ),
]


class CreditRule(Part, frozen=True, kw_only=True):
    """Electors by credit: at least ``min_credit`` earned in the last ``months``."""

    min_credit: DecimalText
    months: int


class ElectorateRule(Part, frozen=True, kw_only=True):
    """Who may vote: the union of the groups named."""

    credit: CreditRule | None
    maintainers: bool
    members: bool
    contributors: tuple[int, ...]


class ProposalCreated(Event, frozen=True, kw_only=True):
    """A proposal was drafted: its question, method, electorate rule, quorum (a
    fraction as text) and the action it takes if it passes."""

    TYPE = "proposal.created"
    VERSION = 1
    proposal_id: int
    title: str
    kind: str
    options: tuple[str, ...]
    method: str
    params: Json
    electorate_rule: ElectorateRule
    quorum: str
    secret: bool
    action: Json
    closes_at: Timestamp


class ProposalOpened(Event, frozen=True, kw_only=True):
    """Voting opened: the electorate snapshotted, listed and hashed."""

    TYPE = "proposal.opened"
    VERSION = 1
    proposal_id: int
    opens_at: Timestamp
    closes_at: Timestamp
    electorate_size: int
    electorate_hash: Sha256
    electors: tuple[int, ...]


class ProposalWithdrawn(Event, frozen=True, kw_only=True):
    """The proposal was withdrawn; its ballots are never counted."""

    TYPE = "proposal.withdrawn"
    VERSION = 1
    proposal_id: int


class BallotCast(Event, frozen=True, kw_only=True):
    """A public ballot was cast or replaced: its ``voter``, its ``revision`` (1, then
    each change) and, when the proposal keeps a running tally, the ``ballot`` itself
    (left out while ballots stay hidden until close). Secret ballots never write this
    event: nothing about them is journaled until the proposal closes."""

    TYPE = "ballot.cast"
    VERSION = 1
    proposal_id: int
    voter: int
    revision: int
    ballot: Json | UnsetType = UNSET


class SheetRow(Part, frozen=True, kw_only=True):
    """One counted ballot: by ``voter`` (cast by ``cast_by``, a delegate or the voter)
    on a public sheet, by ``receipt`` alone on a secret one."""

    ballot: Json
    voter: int | UnsetType = UNSET
    cast_by: int | UnsetType = UNSET
    receipt: Receipt | UnsetType = UNSET


Voters = Annotated[
    tuple[int, ...],
    Meta(
        description="Secret ballots: who voted, not how: the contributor records whose "
        "ballots were counted, sorted, one per counted ballot."
    ),
]


class ProposalClosed(Event, frozen=True, kw_only=True):
    """Voting closed: the tally sheet that was counted and its hash. A secret sheet
    lists only the ballots that stand, in receipt order, and ``voters`` names who cast
    them; nothing on it says when a ballot was cast or how often it changed."""

    TYPE = "proposal.closed"
    VERSION = 1
    proposal_id: int
    closed_at: Timestamp
    turnout: int
    sheet_hash: Sha256
    sheet: tuple[SheetRow, ...]
    voters: Voters | UnsetType = UNSET


class ProposalResult(Part, frozen=True, kw_only=True):
    """The published result: outcome, quorum figures and the method's tally
    (``details`` holds the method's own figures)."""

    outcome: Outcome
    electorate_size: int
    turnout: int
    method: str
    passed: bool
    winners: tuple[str, ...]
    counted: int
    details: Json


class ProposalDecided(Event, frozen=True, kw_only=True):
    """The outcome and result; ``effect`` says what a passed proposal's action did."""

    TYPE = "proposal.decided"
    VERSION = 1
    proposal_id: int
    outcome: Outcome
    electorate_hash: Hex
    result: ProposalResult
    effect: Json | None


class RoleSet(Event, frozen=True, kw_only=True):
    """A contributor's voting role changed (``None`` removes it); ``proposal_id`` when
    a membership vote decided it."""

    TYPE = "governance.role_set"
    VERSION = 1
    contributor: int
    role: Role | None
    proposal_id: int | UnsetType = UNSET


class DelegationSet(Event, frozen=True, kw_only=True):
    """A voter delegated their vote for ``scope`` (a proposal kind, or "*")."""

    TYPE = "delegation.set"
    VERSION = 1
    delegator: int
    delegate: int
    scope: str


class DelegationRevoked(Event, frozen=True, kw_only=True):
    """A voter took back their delegation for ``scope``."""

    TYPE = "delegation.revoked"
    VERSION = 1
    delegator: int
    scope: str


EVENTS: tuple[type[Event], ...] = (
    ProposalCreated,
    ProposalOpened,
    ProposalWithdrawn,
    BallotCast,
    ProposalClosed,
    ProposalDecided,
    RoleSet,
    DelegationSet,
    DelegationRevoked,
)
