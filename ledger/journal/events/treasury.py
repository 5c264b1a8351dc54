"""Events of the treasury: terms, sponsors, sponsorships, posted transactions, expense
authorisations and claims, cancelled recurring pledges, goals, budgets and stated
exchange rates (written by ``ledger.treasury``)."""

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
    the organisation's (a person is named by contributor number only); an
    ``anonymous`` sponsor is named ``anonymous`` with neither number."""

    TYPE = "treasury.sponsor_recorded"
    VERSION = 1
    sponsor: int
    organisation: int | None
    contributor: int | None
    name: str | None
    anonymous: bool


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
    """One leg of a transaction: ``minor`` units (an integer as text, a debit positive)
    on an account, named by its ``kind`` and ``name`` so that the journal alone tells
    money held from pledges, fees, in-kind support and the rest."""

    line: int
    account: int
    kind: str
    name: str
    currency: str
    minor: str


class TransactionPosted(Event, frozen=True, kw_only=True):
    """A balanced double-entry transaction; the optional keys are present only when set:
    a pledge's ``due_on`` and recurring ``installment``, the receipt a fee was charged on
    (``fee_of``) or a refund returns (``refund_of``), the transaction a reversal undoes
    (``reverses``)."""

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
    due_on: Day | UnsetType = UNSET
    installment: int | UnsetType = UNSET
    fee_of: int | UnsetType = UNSET
    refund_of: int | UnsetType = UNSET


class ExpenseAuthorized(Event, frozen=True, kw_only=True):
    """An expense was authorised (by a maintainer or a passed ``proposal``) from a fund;
    ``approved_by`` is the maintainer's actor, or ``proposal:N``."""

    TYPE = "treasury.expense_authorized"
    VERSION = 1
    approval: int
    source: str
    proposal: int | None
    approved_by: str
    currency: str
    amount: DecimalText
    payee: str
    purpose: str


class PledgeCancelled(Event, frozen=True, kw_only=True):
    """A recurring pledge posts no installment due on or after ``effective_on``."""

    TYPE = "treasury.pledge_cancelled"
    VERSION = 1
    sponsorship: int
    effective_on: Day
    reason: str


class GoalSet(Event, frozen=True, kw_only=True):
    """A funding goal of the whole project (``fund`` empty) or of one fund, per currency:
    money received from ``starts_on`` (to ``ends_on`` when set) counts towards it."""

    TYPE = "treasury.goal_set"
    VERSION = 1
    fund: str
    currency: str
    amount: DecimalText
    title: str
    starts_on: Day
    ends_on: Day | None


class BudgetSet(Event, frozen=True, kw_only=True):
    """A budget for an expense category over the value dates ``starts_on..ends_on``."""

    TYPE = "treasury.budget_set"
    VERSION = 1
    category: str
    currency: str
    starts_on: Day
    ends_on: Day
    amount: DecimalText


class RateRecorded(Event, frozen=True, kw_only=True):
    """An exchange rate the treasurer states for reports: ``rate`` units of ``quote``
    per unit of ``currency`` on ``quoted_on``, from ``source``."""

    TYPE = "treasury.rate_recorded"
    VERSION = 1
    currency: str
    quote: str
    quoted_on: Day
    rate: DecimalText
    source: str


class ExpenseSubmitted(Event, frozen=True, kw_only=True):
    """A payee submitted an expense claim (a draft awaiting approval)."""

    TYPE = "treasury.expense_submitted"
    VERSION = 1
    claim: int
    payee: str
    currency: str
    amount: DecimalText
    category: str
    fund: str
    purpose: str
    evidence_url: str


class ExpenseApproved(Event, frozen=True, kw_only=True):
    """An expense claim was approved under ``approval`` (a proposal's or a maintainer's)."""

    TYPE = "treasury.expense_approved"
    VERSION = 1
    claim: int
    approval: int


class ExpenseRejected(Event, frozen=True, kw_only=True):
    """An expense claim was rejected, with the reason given to the payee."""

    TYPE = "treasury.expense_rejected"
    VERSION = 1
    claim: int
    reason: str


class ExpensePaid(Event, frozen=True, kw_only=True):
    """An approved expense claim was paid by ``transaction``."""

    TYPE = "treasury.expense_paid"
    VERSION = 1
    claim: int
    transaction: int


EVENTS: tuple[type[Event], ...] = (
    TermsRecorded,
    SponsorRecorded,
    SponsorshipRecorded,
    TransactionPosted,
    ExpenseAuthorized,
    PledgeCancelled,
    GoalSet,
    BudgetSet,
    RateRecorded,
    ExpenseSubmitted,
    ExpenseApproved,
    ExpenseRejected,
    ExpensePaid,
)
