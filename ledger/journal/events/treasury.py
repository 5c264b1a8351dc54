"""Events of the treasury: terms, sponsors, sponsorships, posted transactions and
expense authorisations (written by ``ledger.treasury``)."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from ledger.journal.events.base import Day, DecimalText, Event, Part, Sha256, Timestamp


class TermsRecorded(Event, frozen=True, kw_only=True):
    """A sponsorship terms text, by its hash, with the commons guarantees it gives."""

    TYPE = "treasury.terms_recorded"
    VERSION = 1
    terms: int
    title: str
    version: str
    sha256: Sha256
    no_ownership: bool
    no_exclusive_license: bool
    no_access_restriction: bool
    no_roadmap_control: bool
    no_votes_bought: bool


class SponsorRecorded(Event, frozen=True, kw_only=True):
    """An organisation or a contributor became a sponsor of the project; ``name`` is
    the organisation's (a person is named by contributor number only)."""

    TYPE = "treasury.sponsor_recorded"
    VERSION = 1
    sponsor: int
    organisation: int | None
    contributor: int | None
    name: str | None


class SponsorshipRecorded(Event, frozen=True, kw_only=True):
    """A sponsorship under terms (by hash); ``non_commons`` with a reason when the
    terms give the sponsor more than the commons allows."""

    TYPE = "treasury.sponsorship_recorded"
    VERSION = 1
    sponsorship: int
    sponsor: int
    kind: str
    currency: str | None
    amount: DecimalText | None
    in_kind_description: str | None
    period_start: Day | None
    period_end: Day | None
    recurrence: str | None
    earmark: str | None
    terms_sha256: Sha256
    non_commons: bool
    non_commons_reason: str | None


class Entry(Part, frozen=True, kw_only=True):
    """One leg of a transaction: ``minor`` units (an integer as text) on an account."""

    line: int
    account: int
    currency: str
    minor: str


class TransactionPosted(Event, frozen=True, kw_only=True):
    """A balanced double-entry transaction; the optional keys are present only when set."""

    TYPE = "treasury.transaction_posted"
    VERSION = 1
    transaction: int
    kind: str
    occurred_on: Day
    recorded_at: Timestamp
    entries: tuple[Entry, ...]
    memo: str | UnsetType = UNSET
    sponsor: int | UnsetType = UNSET
    sponsorship: int | UnsetType = UNSET
    approval: int | UnsetType = UNSET
    payee: str | UnsetType = UNSET
    purpose: str | UnsetType = UNSET
    evidence_url: str | UnsetType = UNSET
    fx_rate: DecimalText | UnsetType = UNSET
    fx_source: str | UnsetType = UNSET
    fx_date: Day | UnsetType = UNSET
    reverses: int | UnsetType = UNSET


class ExpenseAuthorized(Event, frozen=True, kw_only=True):
    """An expense was authorised (by a maintainer or a passed ``proposal``) from a fund."""

    TYPE = "treasury.expense_authorized"
    VERSION = 1
    approval: int
    source: str
    proposal: int | None
    currency: str
    amount: DecimalText
    payee: str
    purpose: str


EVENTS: tuple[type[Event], ...] = (
    TermsRecorded,
    SponsorRecorded,
    SponsorshipRecorded,
    TransactionPosted,
    ExpenseAuthorized,
)
