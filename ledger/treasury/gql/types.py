"""GraphQL output types of the treasury: money, sponsors and their terms, accounts,
transactions with their entries, approvals and the integrity check."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import asyncpg
import strawberry

from ledger.graphql import Info, Node, global_id
from ledger.kernel.money import Money as MoneyModel
from ledger.treasury.gql.enums import AccountKind, ApprovalSource, EntrySide
from ledger.treasury.models import Approval as ApprovalModel
from ledger.treasury.models import Sponsor as SponsorModel
from ledger.treasury.models import Sponsorship as SponsorshipModel
from ledger.treasury.models import Terms
from ledger.treasury.models import Transaction as TransactionModel
from ledger.treasury.queries import (
    AccountBalance,
)
from ledger.treasury.sponsors import load_sponsorships, load_terms


@strawberry.enum(description="What a sponsorship gives.")
class SponsorshipKind(Enum):
    ONE_OFF = "one_off"
    RECURRING_PLEDGE = "recurring_pledge"
    MATCHING_FUND = "matching_fund"
    IN_KIND = "in_kind"


@strawberry.enum(description="What a treasury transaction records.")
class TransactionKind(Enum):
    PLEDGE = "pledge"
    RECEIPT = "receipt"
    EXPENSE = "expense"
    REFUND = "refund"
    TRANSFER = "transfer"
    CONVERSION = "conversion"
    REVERSAL = "reversal"


@strawberry.type(description="An amount of an ISO 4217 currency, exact.")
class Money:
    amount: str = strawberry.field(
        description='Decimal string with the currency\'s decimals: "12.50".'
    )
    minor_units: str = strawberry.field(description="Integer minor units (cents, yen, fils).")
    currency: str

    @classmethod
    def of(cls, m: MoneyModel) -> Money:
        return cls(amount=m.decimal, minor_units=str(m.minor), currency=m.currency)


@strawberry.type(description="A commons terms text a sponsor acknowledged, pinned by SHA-256.")
class CommonsTerms:
    title: str
    version: str
    text: str
    sha256: str = strawberry.field(description="Hex SHA-256 of the UTF-8 text.")
    no_ownership: bool
    no_exclusive_license: bool
    no_access_restriction: bool
    no_roadmap_control: bool
    no_votes_bought: bool
    commons: bool = strawberry.field(description="True when every commons flag is given.")

    @classmethod
    def of(cls, t: Terms) -> CommonsTerms:
        d = t.terms
        return cls(
            title=d.title,
            version=d.version,
            text=d.body,
            sha256=d.digest.hex(),
            no_ownership=d.no_ownership,
            no_exclusive_license=d.no_exclusive_license,
            no_access_restriction=d.no_access_restriction,
            no_roadmap_control=d.no_roadmap_control,
            no_votes_bought=d.no_votes_bought,
            commons=t.commons,
        )


async def load_terms_by_key(pool: asyncpg.Pool, keys: list[tuple[int, int]]) -> list[Terms | None]:
    """Terms by (project id, terms id), in key order."""
    found: dict[tuple[int, int], Terms | None] = {}
    for project_id in {p for p, _ in keys}:
        ids = [i for p, i in keys if p == project_id]
        for terms_id, terms in zip(ids, await load_terms(pool, project_id, ids), strict=True):
            found[(project_id, terms_id)] = terms
    return [found.get(k) for k in keys]


@strawberry.type(description="Support given under commons terms (or flagged as non-commons).")
class Sponsorship(Node):
    project_id: strawberry.Private[int]
    terms_id: strawberry.Private[int]
    number: int
    sponsor: int = strawberry.field(description="Sponsor number.")
    kind: SponsorshipKind
    amount: Money | None = strawberry.field(description="Money, or the in-kind valuation.")
    in_kind_description: str | None
    period_start: date | None
    period_end: date | None
    recurrence: str | None
    earmark: str | None = strawberry.field(description="Directs money; grants no control.")
    non_commons: bool = strawberry.field(description="Recorded explicitly as non-commons funding.")
    non_commons_reason: str | None
    actor: str
    recorded_at: datetime

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("Sponsorship", self.project_id, self.number)

    @strawberry.field(description="The terms the sponsor acknowledged.")
    async def terms(self, info: Info) -> CommonsTerms:
        found = await info.context.loaders.get(load_terms_by_key).load(
            (self.project_id, self.terms_id)
        )
        assert found is not None
        return CommonsTerms.of(found)

    @classmethod
    def of(cls, project_id: int, s: SponsorshipModel) -> Sponsorship:
        return cls(
            project_id=project_id,
            terms_id=s.terms_id,
            number=s.id,
            sponsor=s.sponsor_id,
            kind=SponsorshipKind(s.kind),
            amount=Money.of(s.amount) if s.amount else None,
            in_kind_description=s.in_kind_description,
            period_start=s.period_start,
            period_end=s.period_end,
            recurrence=s.recurrence,
            earmark=s.earmark,
            non_commons=s.non_commons,
            non_commons_reason=s.non_commons_reason,
            actor=s.actor,
            recorded_at=s.recorded_at,
        )


@strawberry.type(description="An organisation or contributor who funds the project.")
class Sponsor(Node):
    project_id: strawberry.Private[int]
    number: int
    name: str
    organisation: int | None = strawberry.field(description="Organisation number, if one.")
    contributor: int | None = strawberry.field(description="Contributor number, if one.")
    recorded_at: datetime

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("Sponsor", self.project_id, self.number)

    @strawberry.field
    async def sponsorships(self, info: Info) -> list[Sponsorship]:
        loader = info.context.loaders.get(load_sponsorships)
        found = await loader.load((self.project_id, self.number))
        return [Sponsorship.of(self.project_id, s) for s in found]

    @classmethod
    def of(cls, project_id: int, s: SponsorModel) -> Sponsor:
        return cls(
            project_id=project_id,
            number=s.id,
            name=s.name,
            organisation=s.organisation_id,
            contributor=s.contributor_id,
            recorded_at=s.recorded_at,
        )


@strawberry.type(description="An account of the books, in one currency.")
class Account(Node):
    project_id: strawberry.Private[int]
    number: int
    kind: AccountKind = strawberry.field(description="What the account holds.")
    name: str = strawberry.field(description="Fund, sponsor number, category, payee or fx.")
    currency: str
    sponsor: int | None
    balance: Money = strawberry.field(description="Debits minus credits.")

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


@strawberry.type(description="The books rechecked from their entries and the journal.")
class TreasuryIntegrity:
    ok: bool
    transactions: int
    unbalanced_transactions: list[int]
    mismatched_accounts: list[int] = strawberry.field(
        description="Accounts whose balance differs from a replay of their entries."
    )
    unjournaled_transactions: list[int] = strawberry.field(
        description="Transactions without exactly one matching journal event."
    )
    journal_ok: bool
    journal_reason: str
