"""GraphQL inputs, payloads and result unions of the treasury's mutations."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from ledger.graphql import (
    MutationError,
)
from ledger.treasury.gql.sponsors import Sponsor, Sponsorship, SponsorshipKind
from ledger.treasury.gql.types import TreasuryPolicy, TreasuryTransaction
from ledger.treasury.models import TermsInput


@strawberry.input
class RecordSponsorInput:
    project: str
    organisation: str | None = strawberry.field(
        default=None, description="Organisation name (created in the register if new)."
    )
    contributor: int | None = strawberry.field(default=None, description="Contributor number.")
    anonymous: bool = strawberry.field(
        default=False,
        description="Name the sponsor only to the project's maintainers ('anonymous' to "
        "everyone else, in the journal and in every report); its terms stay public.",
    )


@strawberry.input(description="The terms text the sponsor acknowledged, with explicit flags.")
class CommonsTermsInput:
    title: str
    version: str
    text: str
    no_ownership: bool
    no_exclusive_license: bool
    no_access_restriction: bool
    no_roadmap_control: bool
    no_votes_bought: bool


@strawberry.input
class RecordSponsorshipInput:
    project: str
    sponsor: int
    kind: SponsorshipKind
    terms: CommonsTermsInput
    idempotency_key: str
    amount: str | None = strawberry.field(default=None, description="Decimal string.")
    currency: str | None = None
    in_kind_description: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    recurrence: str | None = strawberry.field(
        default=None, description="monthly, quarterly, yearly."
    )
    earmark: str | None = None
    non_commons_reason: str | None = strawberry.field(
        default=None,
        description="Record explicitly as non-commons funding (shown as such in every report).",
    )
    pledge: bool = strawberry.field(default=False, description="Also post the amount as a pledge.")
    occurred_on: date | None = strawberry.field(
        default=None, description="The pledge's value date (today when left out); with pledge."
    )
    due_on: date | None = strawberry.field(
        default=None,
        description="When the pledge is due (the period's end, else its own date, when left "
        "out); with pledge.",
    )


@strawberry.enum(description="Who charged a fee on money received.")
class FeeKind(Enum):
    PROCESSOR = "processor"
    HOST = "host"


@strawberry.input(description="A fee charged on money received, posted as its own transaction.")
class FeeInput:
    kind: FeeKind
    amount: str = strawberry.field(description="Decimal string, in the receipt's currency.")
    payee: str = strawberry.field(description="Who charged it: the processor or the host.")


@strawberry.input
class RecordReceiptInput:
    project: str
    sponsor: int
    amount: str = strawberry.field(description="The gross amount the sponsor paid.")
    currency: str
    idempotency_key: str
    fund: str = "main"
    sponsorship: int | None = strawberry.field(
        default=None, description="A money sponsorship in the same currency."
    )
    occurred_on: date | None = None
    memo: str = ""
    fees: list[FeeInput] = strawberry.field(
        default_factory=list,
        description="Fees charged on it (processor, host); the net is what the fund keeps.",
    )


@strawberry.input
class RecordExpenseInput:
    project: str
    amount: str
    currency: str
    payee: str
    purpose: str
    evidence_url: str
    idempotency_key: str
    approval: int | None = strawberry.field(
        default=None,
        description="Approval number; left out, a maintainer approves where the policy allows.",
    )
    category: str = "general"
    fund: str = "main"
    occurred_on: date | None = None
    memo: str = ""


@strawberry.input
class RefundInput:
    project: str
    sponsor: int
    amount: str
    currency: str
    idempotency_key: str
    fund: str = "main"
    receipt: int | None = strawberry.field(
        default=None, description="The receipt this returns (reports link the two)."
    )
    occurred_on: date | None = None
    memo: str = ""


@strawberry.input
class TransferInput:
    project: str
    amount: str
    currency: str
    from_fund: str
    to_fund: str
    idempotency_key: str
    occurred_on: date | None = None
    memo: str = ""


@strawberry.input
class ConvertCurrencyInput:
    project: str
    amount: str
    currency: str
    to_currency: str
    fx_rate: str = strawberry.field(
        description="Units of toCurrency per unit, exact decimal string."
    )
    fx_source: str = strawberry.field(description="Where the rate comes from, e.g. the ECB.")
    fx_date: date = strawberry.field(description="The day the rate was quoted.")
    idempotency_key: str
    from_fund: str = "main"
    to_fund: str | None = None
    occurred_on: date | None = None
    memo: str = ""


@strawberry.input
class ReverseTransactionInput:
    project: str
    transaction: int
    idempotency_key: str
    occurred_on: date | None = None
    memo: str = ""


@strawberry.input
class SetTreasuryPolicyInput:
    project: str
    allow_overdraft: bool
    maintainer_approval: bool
    reporting_currency: str | None = strawberry.field(
        default=None, description="The currency reports value balances in (ISO 4217)."
    )


@strawberry.type
class SponsorPayload:
    sponsor: Sponsor
    created: bool


@strawberry.type
class SponsorshipPayload:
    sponsorship: Sponsorship
    pledge: TreasuryTransaction | None
    replayed: bool
    installments: list[TreasuryTransaction] = strawberry.field(
        default_factory=list,
        description="A recurring pledge's installments due so far, one pledge each.",
    )


@strawberry.type
class TreasuryTransactionPayload:
    transaction: TreasuryTransaction
    replayed: bool = strawberry.field(description="True when the key had been used before.")
    fees: list[TreasuryTransaction] = strawberry.field(
        default_factory=list, description="The fee transactions charged on a receipt."
    )


@strawberry.type
class TreasuryPolicyPayload:
    policy: TreasuryPolicy


SponsorResult = Annotated[SponsorPayload | MutationError, strawberry.union("RecordSponsorResult")]
SponsorshipResult = Annotated[
    SponsorshipPayload | MutationError, strawberry.union("RecordSponsorshipResult")
]
TransactionResult = Annotated[
    TreasuryTransactionPayload | MutationError, strawberry.union("TreasuryTransactionResult")
]
PolicyResult = Annotated[
    TreasuryPolicyPayload | MutationError, strawberry.union("TreasuryPolicyResult")
]


def terms_input(t: CommonsTermsInput) -> TermsInput:
    """The domain form of the terms input."""
    return TermsInput(
        t.title,
        t.version,
        t.text,
        t.no_ownership,
        t.no_exclusive_license,
        t.no_access_restriction,
        t.no_roadmap_control,
        t.no_votes_bought,
    )
