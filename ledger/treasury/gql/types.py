"""GraphQL output types of the treasury's books: money, accounts, transactions with
their entries, approvals, the policy and the integrity check (sponsors are in
``sponsors``)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from ledger.graphql import Node, global_id
from ledger.kernel.money import Money as MoneyModel
from ledger.treasury.gql.enums import AccountKind, ApprovalSource, EntrySide
from ledger.treasury.models import Approval as ApprovalModel
from ledger.treasury.models import Transaction as TransactionModel
from ledger.treasury.queries import (
    AccountBalance,
)


@strawberry.enum(description="What a treasury transaction records.")
class TransactionKind(Enum):
    PLEDGE = "pledge"
    RECEIPT = "receipt"
    EXPENSE = "expense"
    REFUND = "refund"
    TRANSFER = "transfer"
    CONVERSION = "conversion"
    REVERSAL = "reversal"
    FEE = "fee"
    IN_KIND = "in_kind"


@strawberry.type(
    description="An amount of an ISO 4217 currency, exact, as text: never a float. Every "
    "amount and every account balance fits a signed 64-bit integer of minor units (the books "
    "refuse a movement that would take a balance beyond it: balance_limit)."
)
class Money:
    amount: str = strawberry.field(
        description='Decimal string with the currency\'s decimals: "12.50".'
    )
    minor_units: str = strawberry.field(
        description="Integer minor units (cents, yen, fils) as a decimal string; it fits a "
        "signed 64-bit integer."
    )
    currency: str

    @classmethod
    def of(cls, m: MoneyModel) -> Money:
        return cls(amount=m.decimal, minor_units=str(m.minor), currency=m.currency)


@strawberry.type(description="An account of the books, in one currency.")
class Account(Node):
    project_id: strawberry.Private[int]
    number: int
    kind: AccountKind = strawberry.field(
        description="What the account holds (in_kind: support given in goods or services; "
        "in_kind_use: its contra, never money)."
    )
    name: str = strawberry.field(
        description="Fund, sponsor number, category, payee, fx or the fee's kind."
    )
    currency: str
    sponsor: int | None
    balance: Money = strawberry.field(
        description="Debits minus credits; within the signed 64-bit range."
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("Account", self.project_id, self.number)

    @classmethod
    def of(cls, a: AccountBalance, project_id: int) -> Account:
        return cls(
            project_id=project_id,
            number=a.account_id,
            kind=AccountKind(a.kind),
            name=a.name,
            currency=a.currency,
            sponsor=a.sponsor_id,
            balance=Money.of(MoneyModel(a.balance, a.currency)),
        )


@strawberry.type(description="One line of a transaction: a debit (positive) or credit.")
class Entry:
    line: int
    account: int = strawberry.field(description="Account number.")
    account_kind: AccountKind
    account_name: str
    amount: Money
    side: EntrySide = strawberry.field(description="Debit (positive) or credit.")


@strawberry.type(description="A balanced set of entries (debits = credits per currency).")
class TreasuryTransaction(Node):
    project_id: strawberry.Private[int]
    number: int
    kind: TransactionKind
    occurred_on: date
    memo: str
    sponsor: int | None
    sponsorship: int | None
    approval: int | None
    payee: str | None
    purpose: str | None
    evidence_url: str | None
    fx_rate: str | None = strawberry.field(description="Exact decimal rate, as a string.")
    fx_source: str | None
    fx_date: date | None
    reverses: int | None
    due_on: date | None = strawberry.field(description="When a pledge is due.")
    installment: int | None = strawberry.field(
        description="The period of a recurring pledge this pledge is (1 for the first)."
    )
    fee_of: int | None = strawberry.field(description="The receipt a fee was charged on.")
    refund_of: int | None = strawberry.field(description="The receipt a refund returns.")
    actor: str
    recorded_at: datetime
    entries: list[Entry]

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("TreasuryTransaction", self.project_id, self.number)

    @classmethod
    def of(cls, t: TransactionModel, project_id: int) -> TreasuryTransaction:
        m = t.movement
        entries = [
            Entry(
                line=e.line,
                account=e.account_id,
                account_kind=AccountKind(e.account_kind),
                account_name=e.account_name,
                amount=Money.of(e.amount),
                side=EntrySide.DEBIT if e.amount.minor > 0 else EntrySide.CREDIT,
            )
            for e in t.entries
        ]
        return cls(
            project_id=project_id,
            number=t.id,
            kind=TransactionKind(m.kind),
            occurred_on=m.occurred_on,
            memo=m.memo,
            sponsor=m.sponsor_id,
            sponsorship=m.sponsorship_id,
            approval=m.approval_id,
            payee=m.payee,
            purpose=m.purpose,
            evidence_url=m.evidence_url,
            fx_rate=str(m.fx_rate) if m.fx_rate is not None else None,
            fx_source=m.fx_source,
            fx_date=m.fx_date,
            reverses=m.reverses_id,
            due_on=m.due_on,
            installment=m.installment,
            fee_of=m.fee_of,
            refund_of=m.refund_of,
            actor=t.actor,
            recorded_at=t.recorded_at,
            entries=entries,
        )


@strawberry.type(description="What authorised an expense: a passed proposal or a maintainer.")
class ExpenseApproval(Node):
    project_id: strawberry.Private[int]
    number: int
    source: ApprovalSource
    proposal: int | None
    amount: Money
    payee: str
    purpose: str
    actor: str
    recorded_at: datetime

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("ExpenseApproval", self.project_id, self.number)

    @classmethod
    def of(cls, a: ApprovalModel, project_id: int) -> ExpenseApproval:
        return cls(
            project_id=project_id,
            number=a.id,
            source=ApprovalSource(a.source),
            proposal=a.proposal_id,
            amount=Money.of(a.amount),
            payee=a.payee,
            purpose=a.purpose,
            actor=a.actor,
            recorded_at=a.recorded_at,
        )


@strawberry.type(description="The project's treasury switches.")
class TreasuryPolicy:
    allow_overdraft: bool
    maintainer_approval: bool = strawberry.field(
        description="A maintainer may approve expenses without a proposal."
    )
    reporting_currency: str | None = strawberry.field(
        default=None, description="The currency reports value balances in."
    )


@strawberry.type(
    description="The books checked against their entries and the journal, as far as the "
    "checkpoint has come (`throughSeq`): reading it costs the same whatever the books' size."
)
class TreasuryIntegrity:
    ok: bool = strawberry.field(description="No problem found in what is checked so far.")
    transactions: int = strawberry.field(description="Booked transactions checked.")
    unbalanced_transactions: list[int]
    mismatched_accounts: list[int] = strawberry.field(
        description="Accounts whose balance differs from a replay of their entries."
    )
    unjournaled_transactions: list[int] = strawberry.field(
        description="Transactions without exactly one matching journal event."
    )
    journal_ok: bool = strawberry.field(description="The journal chain verifies so far.")
    journal_reason: str
    through_seq: int = strawberry.field(
        description="The books are checked against the journal through this event."
    )
    last_transaction: int | None = strawberry.field(
        description="The transaction of the last posted event checked."
    )
    checked_at: datetime | None = strawberry.field(
        description="When the checkpoint last moved (null before the first check)."
    )
    full: bool = strawberry.field(description="Whether this is a full recheck made just now.")
