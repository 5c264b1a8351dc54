"""The treasury's records and their validation (no I/O): commons terms,
sponsors and sponsorships, the project policy, approvals, accounts' legs and
entries, transactions. The rules for posting them live in ``treasury_rules``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ledger.journal.canonical import sha256
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput
from ledger.kernel.money import Money, check_currency
from ledger.register.models import check_text

SponsorshipKind = Literal["one_off", "recurring_pledge", "matching_fund", "in_kind"]
SPONSORSHIP_KINDS: tuple[SponsorshipKind, ...] = (
    "one_off",
    "recurring_pledge",
    "matching_fund",
    "in_kind",
)
RECURRENCES = ("monthly", "quarterly", "yearly")
TRANSACTION_KINDS = (
    "pledge",
    "receipt",
    "expense",
    "refund",
    "transfer",
    "conversion",
    "reversal",
    "fee",
    "in_kind",
)
# Fees are charged by a payment processor or a fiscal host; in-kind support is valued
# in one of these categories.
FEE_KINDS = ("processor", "host")
IN_KIND_CATEGORIES = ("hardware", "ci_minutes", "hosting", "staff_time", "services", "other")
TERMS_FLAGS = (
    "no_ownership",
    "no_exclusive_license",
    "no_access_restriction",
    "no_roadmap_control",
    "no_votes_bought",
)
# How an anonymous sponsor is named to everyone but the project's maintainers.
ANONYMOUS = "anonymous"
# Fund and expense category names are slugs of at most this length.
NAME_LIMIT = 40


class PolicyBreach(Conflict):
    """A movement would leave an account outside its policy; ``code`` says which."""


class NonCommonsTerms(Conflict):
    """Terms claim ownership, exclusivity, access restriction, control or votes."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ConflictCode.NON_COMMONS_TERMS)


@dataclass(frozen=True, slots=True)
class TermsInput:
    """A commons terms text as a sponsor acknowledged it, with its explicit flags."""

    title: str
    version: str
    body: str
    no_ownership: bool
    no_exclusive_license: bool
    no_access_restriction: bool
    no_roadmap_control: bool
    no_votes_bought: bool

    def validated(self) -> TermsInput:
        """The same terms with each text field checked."""
        check_text(self.title, "terms.title", 200)
        check_text(self.version, "terms.version", 40)
        check_text(self.body, "terms.body", 100_000)
        return self

    @property
    def digest(self) -> bytes:
        """SHA-256 of the UTF-8 text: what pins the version the sponsor acknowledged."""
        return sha256(self.body.encode())

    def claims(self) -> list[str]:
        """The commons flags these terms do not give (empty for commons terms)."""
        return [name for name in TERMS_FLAGS if not getattr(self, name)]


@dataclass(frozen=True, slots=True)
class Terms:
    id: int
    terms: TermsInput
    recorded_at: datetime

    @property
    def commons(self) -> bool:
        return not self.terms.claims()


@dataclass(frozen=True, slots=True)
class Sponsor:
    id: int
    organisation_id: int | None
    contributor_id: int | None
    name: str
    recorded_at: datetime
    anonymous: bool = False

    @property
    def public_name(self) -> str:
        """The name everyone may see: ``anonymous`` for an anonymous sponsor."""
        return ANONYMOUS if self.anonymous else self.name


@dataclass(frozen=True, slots=True)
class NewSponsorship:
    """A sponsorship to record; ``amount`` is the valuation for in-kind support."""

    sponsor_id: int
    kind: SponsorshipKind
    amount: Money | None
    in_kind_description: str | None
    period_start: date | None
    period_end: date | None
    recurrence: str | None
    earmark: str | None

    def validated(self) -> NewSponsorship:
        """This sponsorship with its shape checked for its kind."""
        if self.kind not in SPONSORSHIP_KINDS:
            raise InvalidInput(f"kind must be one of {', '.join(SPONSORSHIP_KINDS)}", "kind")
        if self.kind == "in_kind":
            check_text(self.in_kind_description, "inKindDescription", 2000)
        elif self.in_kind_description is not None:
            raise InvalidInput("only in-kind support has a description", "inKindDescription")
        elif self.amount is None:
            raise InvalidInput("a money sponsorship needs an amount", "amount")
        if (self.kind == "recurring_pledge") != (self.recurrence is not None):
            raise InvalidInput("a recurring pledge, and only it, has a recurrence", "recurrence")
        if self.recurrence is not None and self.recurrence not in RECURRENCES:
            raise InvalidInput(f"recurrence must be one of {', '.join(RECURRENCES)}", "recurrence")
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise InvalidInput("the period ends before it starts", "periodEnd")
        if self.earmark is not None:
            check_text(self.earmark, "earmark", 200)
        return self


@dataclass(frozen=True, slots=True)
class Sponsorship:
    id: int
    sponsor_id: int
    kind: str
    amount: Money | None
    in_kind_description: str | None
    period_start: date | None
    period_end: date | None
    recurrence: str | None
    earmark: str | None
    terms_id: int
    non_commons: bool
    non_commons_reason: str | None
    actor: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Policy:
    """The project's treasury switches (project settings key ``treasury``); reports
    value balances in ``reporting_currency`` when one is set."""

    allow_overdraft: bool = False
    maintainer_approval: bool = False
    reporting_currency: str | None = None

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Policy:
        raw = settings.get("treasury") or {}
        return cls(
            bool(raw.get("allow_overdraft")),
            bool(raw.get("maintainer_approval")),
            raw.get("reporting_currency"),
        )

    def as_setting(self) -> dict[str, Any]:
        setting: dict[str, Any] = {
            "allow_overdraft": self.allow_overdraft,
            "maintainer_approval": self.maintainer_approval,
        }
        if self.reporting_currency is not None:
            setting["reporting_currency"] = check_currency(
                self.reporting_currency, "reportingCurrency"
            )
        return setting


@dataclass(frozen=True, slots=True)
class Approval:
    id: int
    source: str
    proposal_id: int | None
    amount: Money
    payee: str
    purpose: str
    actor: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Leg:
    """One side of a movement, naming its account by (kind, name, currency)."""

    kind: str
    name: str
    amount: Money
    sponsor_id: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.name, self.amount.currency)


@dataclass(frozen=True, slots=True)
class Entry:
    line: int
    account_id: int
    account_kind: str
    account_name: str
    amount: Money


@dataclass(frozen=True, slots=True)
class Movement:
    """What a transaction records besides its legs."""

    kind: str
    occurred_on: date
    memo: str = ""
    sponsor_id: int | None = None
    sponsorship_id: int | None = None
    approval_id: int | None = None
    payee: str | None = None
    purpose: str | None = None
    evidence_url: str | None = None
    fx_rate: Decimal | None = None
    fx_source: str | None = None
    fx_date: date | None = None
    reverses_id: int | None = None
    due_on: date | None = None
    installment: int | None = None
    fee_of: int | None = None
    refund_of: int | None = None


@dataclass(frozen=True, slots=True)
class Transaction:
    id: int
    movement: Movement
    actor: str
    recorded_at: datetime
    entries: list[Entry] = field(default_factory=list)
