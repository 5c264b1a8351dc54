"""What the quality, sustainability and rules sections need from the journal, collected
event by event beside ``replay.Replay`` (pure, no I/O).

- ``Threads``: every counted contribution that states a thread, as (role, record,
  instant, id) under its thread, with its repository and opening, so that reviews and
  comments recorded before the change they belong to still count; three numbers and a
  role each.
- ``reverts``: the period's counted reverts, as (contribution, record, source, targets).
- the counted contributions of the quarters the trends look back over are kept by
  ``replay.Replay`` as a second ``replay.Contributions`` (``window``).
- ``Governance``: the journal time and actor of each proposal's creation; the changes
  made without a vote in the period (by kind); and, as of the period's end, the latest
  credit policy and the latest value of every project setting, each with its time and
  actor.

Records are resolved to the contributors holding them only when a figure is computed
(``holders.Holders``), since merges and unmerges may follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msgspec import UNSET

from ledger.journal.events import Event, encode
from ledger.journal.events.governance import ProposalCreated, RoleSet
from ledger.journal.events.register import (
    ContributionRecorded,
    CreditPolicySet,
    ProjectSettingsChanged,
)
from ledger.journal.events.treasury import ExpenseAuthorized
from reports.recompute.instants import micros


@dataclass(frozen=True, slots=True)
class Stamp:
    """An event document's journal time (microseconds, and as written) and actor."""

    at: int
    text: str
    actor: str

    @classmethod
    def of(cls, recorded_at: str, actor: str) -> Stamp:
        """The stamp of a document's ``recorded_at`` and ``actor``."""
        return cls(micros(recorded_at), recorded_at, actor)


@dataclass(frozen=True, slots=True)
class Post:
    """One contribution in a thread."""

    role: str
    record: int
    at: int
    id: int
    repository: str | None
    opened: int | None


@dataclass(slots=True)
class Threads:
    """Per thread, its contributions in journal order."""

    posts: dict[str, list[Post]] = field(default_factory=dict)

    def add(self, event: ContributionRecorded, at: int, opened: int | None) -> None:
        if event.thread is UNSET or event.thread_role is UNSET:
            return
        repository = None if event.repository is UNSET else event.repository
        post = Post(event.thread_role, event.contributor_id, at, event.contribution_id,
                    repository, opened)  # fmt: skip
        self.posts.setdefault(event.thread, []).append(post)


@dataclass(slots=True)
class Governance:
    """Governance facts beyond the proposals' own events (``replay.Proposal``)."""

    created: dict[int, Stamp] = field(default_factory=dict)
    direct: dict[str, int] = field(default_factory=dict)
    policy: tuple[CreditPolicySet, Stamp] | None = None
    settings: dict[str, tuple[Any, Stamp]] = field(default_factory=dict)

    def feed(self, event: Event, stamp: Stamp, start: int, end: int) -> None:
        """Take one event of the journal with its document's time and actor."""
        kind = _direct_kind(event)
        if kind is not None and start <= stamp.at < end:
            self.direct[kind] = self.direct.get(kind, 0) + 1
        if stamp.at >= end:
            if isinstance(event, ProposalCreated):
                self.created[event.proposal_id] = stamp
            return
        match event:
            case ProposalCreated():
                self.created[event.proposal_id] = stamp
            case CreditPolicySet():
                self.policy = (event, stamp)
            case ProjectSettingsChanged():
                for key, value in encode(event).items():
                    self.settings[key] = (value, stamp)
            case _:
                pass


def _direct_kind(event: Event) -> str | None:
    """The kind of change a decision without a vote made, or None."""
    match event:
        case CreditPolicySet() if event.version > 1 and event.proposal_id is UNSET:
            return "credit_policy"
        case RoleSet() if event.proposal_id is UNSET:
            return "voting_role"
        case ExpenseAuthorized() if event.proposal is None:
            return "expense"
        case ProjectSettingsChanged():
            return "setting"
        case _:
            return None
