"""A project's journal replayed event by event into what the figures need (pure, no I/O).

``Replay.feed`` takes each decoded event once, in journal order, and keeps only state
the size of the project's entities (contributors, grants, sponsors, proposals) plus
five numbers per counted contribution of the period, in typed arrays
(``Contributions``), and the number of each counted contribution made before the
horizon (the first instant a figure reads), by record (``early``): never the events
themselves, so a journal of any length streams through it. Merges are replayed as the
register applies them (``holders.Holders``): a merge moves every contribution its
source holds to its target, an unmerge moves exactly those back, or the contributions
it lists when its merge was never journaled; figures count each contribution under the
record that holds it at the end (``early`` says whether a record that an unmerge took
contributions from still made one before the horizon).
What the quality, sustainability and rules sections need beside this is collected by
``critics_replay`` from the same pass; ``feed`` takes each event with its document's
journal time and actor (``critics_replay.Stamp``).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from msgspec import UNSET

from ledger.journal.events import Event
from ledger.journal.events.governance import (
    ProposalClosed,
    ProposalCreated,
    ProposalDecided,
    ProposalOpened,
)
from ledger.journal.events.intake import (
    ContributorsMerged,
    ContributorsUnmerged,
    ContributorsUnmergedV1,
)
from ledger.journal.events.licenses import (
    AgreementPublished,
    GrantExtended,
    GrantRecorded,
    GrantWithdrawn,
)
from ledger.journal.events.register import (
    ContributionRecorded,
    ProjectCreated,
    ProjectSettingsChanged,
    ProjectUpdated,
)
from ledger.journal.events.treasury import (
    ExpenseAuthorized,
    RateRecorded,
    SponsorRecorded,
    SponsorshipRecorded,
    TransactionPosted,
)
from reports.critics.measures import window
from reports.period import Period
from reports.recompute.critics_replay import Governance, Stamp, Threads
from reports.recompute.holders import Holders
from reports.recompute.instants import micros

__all__ = ["CREDIT_SCALE", "Replay", "micros", "scaled_credit"]

CREDIT_SCALE = 10_000


def scaled_credit(text: str) -> int:
    """A credit (at most four decimals, as the credit policy writes it) in 1/10000 units."""
    value = Decimal(text) * CREDIT_SCALE
    if value != value.to_integral_value():
        raise ValueError(f"credit {text!r} has more than four decimals")
    return int(value)


@dataclass(slots=True)
class Contributions:
    """Counted contributions of the period, one array element each."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    at: array[int] = field(default_factory=lambda: array("q"))
    """Microseconds since the epoch."""
    record: array[int] = field(default_factory=lambda: array("q"))
    """The contributor record the journal recorded it under."""
    kind: array[int] = field(default_factory=lambda: array("i"))
    credit: array[int] = field(default_factory=lambda: array("q"))
    """In 1/10000 units."""
    kinds: list[str] = field(default_factory=list)
    _kind_index: dict[str, int] = field(default_factory=dict)

    def add(self, event: ContributionRecorded, at: int) -> None:
        index = self._kind_index.setdefault(event.kind, len(self.kinds))
        if index == len(self.kinds):
            self.kinds.append(event.kind)
        self.ids.append(event.contribution_id)
        self.at.append(at)
        self.record.append(event.contributor_id)
        self.kind.append(index)
        self.credit.append(scaled_credit(event.credit))


@dataclass(slots=True)
class Grant:
    """A grant as the journal published it, with its withdrawal when one followed."""

    recorded: GrantRecorded
    withdrawn_at: int | None = None


@dataclass(slots=True)
class Proposal:
    created: ProposalCreated | None = None
    opened: ProposalOpened | None = None
    closed: ProposalClosed | None = None
    decided: ProposalDecided | None = None


_BOOKS = (
    TransactionPosted,
    ExpenseAuthorized,
    RateRecorded,
    SponsorRecorded,
    ProjectSettingsChanged,
)


@dataclass(slots=True)
class Replay:
    """Everything the figures of one period need, fed one event at a time."""

    period: Period
    treasury_accounts: frozenset[int]
    name: str | None = None
    outbound_license: str | None = None
    contributions: Contributions = field(default_factory=Contributions)
    first_at: dict[int, int] = field(default_factory=dict)
    """Per contributor record, its first counted contribution (microseconds)."""
    early: dict[int, array[int]] = field(default_factory=dict)
    """Per contributor record, its counted contributions made before ``horizon``."""
    holders: Holders = field(default_factory=Holders)
    grants: dict[int, Grant] = field(default_factory=dict)
    listed: tuple[array[int], array[int]] = field(default_factory=lambda: (array("q"), array("q")))
    """(contribution ids, grant ids) of every contribution a grant lists."""
    agreements: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    """Per instrument, (version, effective from) of each published text."""
    sponsors: dict[int, SponsorRecorded] = field(default_factory=dict)
    sponsorships: list[SponsorshipRecorded] = field(default_factory=list)
    received: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    """(currency, sponsor) -> minor units received in the period."""
    proposals: dict[int, Proposal] = field(default_factory=lambda: defaultdict(Proposal))
    books: list[Event] = field(default_factory=list)
    """The events that describe the books (``reports.funding.books.from_events``)."""
    threads: Threads = field(default_factory=Threads)
    reverts: list[tuple[int, int, str, int]] = field(default_factory=list)
    """The period's counted reverts: (contribution, record, source, targets named)."""
    window: Contributions = field(default_factory=Contributions)
    """Counted contributions of the trend's quarters (up to the period's end)."""
    governance: Governance = field(default_factory=Governance)
    start: int = field(init=False)
    """The period's first instant, in microseconds."""
    end: int = field(init=False)
    window_start: int = field(init=False)
    """The first instant of the trend's quarters (``reports.critics.measures.window``)."""
    horizon: int = field(init=False)
    """The first instant a figure reads: the period's start or the trend's, if earlier."""

    def __post_init__(self) -> None:
        self.start = micros(self.period.start_at.isoformat())
        self.end = micros(self.period.end_at.isoformat())
        self.window_start = micros(window(self.period)[0].start.isoformat() + "T00:00:00Z")
        self.horizon = min(self.start, self.window_start)

    def feed(self, event: Event, stamp: Stamp) -> None:
        """Take the next event of the journal, with its document's time and actor."""
        if isinstance(event, _BOOKS):
            self.books.append(event)
        self.governance.feed(event, stamp, self.start, self.end)
        match event:
            case ContributionRecorded(counted=True):
                at = micros(event.occurred_at)
                record = event.contributor_id
                if at < self.first_at.get(record, at + 1):
                    self.first_at[record] = at
                if at < self.horizon:
                    self.early.setdefault(record, array("q")).append(event.contribution_id)
                if self.start <= at < self.end:
                    self.contributions.add(event, at)
                self._critics(event, at)
            case ProjectCreated() | ProjectUpdated():
                self._project(event)
            case ContributorsMerged():
                self.holders.merge(event, set(self.first_at))
            case ContributorsUnmerged() | ContributorsUnmergedV1():
                self.holders.unmerge(event)
            case GrantRecorded() | GrantExtended() | GrantWithdrawn() | AgreementPublished():
                self._licensing(event)
            case SponsorRecorded():
                self.sponsors[event.sponsor] = event
            case SponsorshipRecorded():
                self.sponsorships.append(event)
            case TransactionPosted(sponsor=sponsor) if sponsor is not UNSET:
                if self.period.start.isoformat() <= event.occurred_on < self.period.end.isoformat():
                    for entry in event.entries:
                        if entry.account in self.treasury_accounts:
                            self.received[(entry.currency, sponsor)] += int(entry.minor)
            case ProposalCreated() | ProposalOpened() | ProposalClosed() | ProposalDecided():
                self._proposal(event)
            case _:
                pass

    def _critics(self, event: ContributionRecorded, at: int) -> None:
        opened = None if event.opened_at is UNSET else micros(event.opened_at)
        self.threads.add(event, at, opened)
        if event.reverts is not UNSET and self.start <= at < self.end:
            self.reverts.append(
                (event.contribution_id, event.contributor_id, event.source, len(event.reverts))
            )
        if self.window_start <= at < self.end:
            self.window.add(event, at)

    def _project(self, event: ProjectCreated | ProjectUpdated) -> None:
        if event.name is not UNSET:
            self.name = event.name
        if event.outbound_license is not UNSET:
            self.outbound_license = event.outbound_license

    def _licensing(
        self, event: GrantRecorded | GrantExtended | GrantWithdrawn | AgreementPublished
    ) -> None:
        match event:
            case GrantRecorded():
                self.grants[event.grant_id] = Grant(event)
                self._list(event.grant_id, event.contribution_ids)
            case GrantExtended():
                self._list(event.grant_id, event.contribution_ids)
            case GrantWithdrawn():
                self.grants[event.grant_id].withdrawn_at = micros(event.withdrawn_at)
            case AgreementPublished():
                texts = self.agreements.setdefault(event.instrument, [])
                texts.append((event.version, micros(event.effective_from)))

    def _list(self, grant_id: int, contribution_ids: tuple[int, ...]) -> None:
        ids, grants = self.listed
        ids.extend(contribution_ids)
        grants.extend([grant_id] * len(contribution_ids))

    def _proposal(
        self, event: ProposalCreated | ProposalOpened | ProposalClosed | ProposalDecided
    ) -> None:
        proposal = self.proposals[event.proposal_id]
        match event:
            case ProposalCreated():
                proposal.created = event
            case ProposalOpened():
                proposal.opened = event
            case ProposalClosed():
                proposal.closed = event
            case ProposalDecided():
                proposal.decided = event
