"""GraphQL output types of the treasurer's tools: recurring pledges and outstanding
pledges, funding goals, budgets, stated exchange rates and expense claims, each a
``Node`` keyed by its project and its own key (``nodes`` resolves them)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from ledger.graphql import Node, global_id
from ledger.treasury.claims import Claim
from ledger.treasury.gql.types import Money
from ledger.treasury.plans import Budget as BudgetModel
from ledger.treasury.plans import Goal
from ledger.treasury.pledges import Outstanding
from ledger.treasury.rates import Rate
from ledger.treasury.recurring import Cancellation, Schedule, start_of


@strawberry.type(description="A recurring pledge stopped from a date.")
class PledgeCancellation:
    sponsorship: int
    effective_on: date = strawberry.field(description="No installment due from then on posts.")
    reason: str
    actor: str
    recorded_at: datetime

    @classmethod
    def of(cls, c: Cancellation) -> PledgeCancellation:
        return cls(
            sponsorship=c.sponsorship_id,
            effective_on=c.effective_on,
            reason=c.reason,
            actor=c.actor,
            recorded_at=c.recorded_at,
        )


@strawberry.type(description="A recurring pledge's schedule: a receivable per period.")
class RecurringPledge(Node):
    project_id: strawberry.Private[int]
    sponsorship: int
    sponsor: int
    recurrence: str = strawberry.field(description="monthly, quarterly or yearly.")
    amount: Money = strawberry.field(description="Pledged every period.")
    starts_on: date = strawberry.field(description="The first installment's due date.")
    ends_on: date | None = strawberry.field(description="No installment falls due after it.")
    installments_posted: int
    next_due_on: date | None = strawberry.field(
        description="The next installment's due date; null once the schedule ended."
    )
    cancellation: PledgeCancellation | None

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("RecurringPledge", self.project_id, self.sponsorship)

    @classmethod
    def of(cls, s: Schedule, project_id: int) -> RecurringPledge:
        sp = s.sponsorship
        assert sp.amount is not None
        return cls(
            project_id=project_id,
            sponsorship=sp.id,
            sponsor=sp.sponsor_id,
            recurrence=sp.recurrence or "",
            amount=Money.of(sp.amount),
            starts_on=start_of(sp),
            ends_on=sp.period_end,
            installments_posted=s.posted,
            next_due_on=s.next_due_on,
            cancellation=PledgeCancellation.of(s.cancellation) if s.cancellation else None,
        )


@strawberry.type(description="A pledge still (partly) open: receipts settle the oldest first.")
class OutstandingPledge(Node):
    project_id: strawberry.Private[int]
    transaction: int
    sponsor: int
    sponsorship: int | None
    installment: int | None
    occurred_on: date
    due_on: date
    pledged: Money
    open: Money = strawberry.field(description="What is still owed of it.")
    overdue: bool = strawberry.field(description="Still open after its due date.")

    @strawberry.field(
        description="Opaque global id (``node`` answers the pledge as it stands today)."
    )
    def id(self) -> strawberry.ID:
        return global_id("OutstandingPledge", self.project_id, self.transaction)

    @classmethod
    def of(cls, o: Outstanding, project_id: int) -> OutstandingPledge:
        return cls(
            project_id=project_id,
            transaction=o.transaction_id,
            sponsor=o.sponsor_id,
            sponsorship=o.sponsorship_id,
            installment=o.installment,
            occurred_on=o.occurred_on,
            due_on=o.due_on,
            pledged=Money.of(o.pledged),
            open=Money.of(o.open),
            overdue=o.overdue,
        )


@strawberry.type(description="What the project (or one fund) aims to raise in a currency.")
class FundingGoal(Node):
    project_id: strawberry.Private[int]
    fund: str | None = strawberry.field(description="The fund; null for the whole project.")
    title: str
    target: Money
    starts_on: date
    ends_on: date | None
    raised: Money = strawberry.field(
        description="Money received from sponsors towards it (gross of fees, less refunds)."
    )
    progress: str = strawberry.field(description="Raised over target, four places.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("FundingGoal", self.project_id, self.target.currency, self.fund or "")

    @classmethod
    def of(cls, g: Goal, project_id: int) -> FundingGoal:
        return cls(
            project_id=project_id,
            fund=g.fund,
            title=g.title,
            target=Money.of(g.target),
            starts_on=g.starts_on,
            ends_on=g.ends_on,
            raised=Money.of(g.raised),
            progress=str(g.progress),
        )


@strawberry.type(description="A budget of an expense category with what it spent.")
class Budget(Node):
    project_id: strawberry.Private[int]
    category: str
    starts_on: date
    ends_on: date
    planned: Money
    actual: Money = strawberry.field(description="Spent in the category in the range.")
    remaining: Money = strawberry.field(description="Planned less actual (negative: over).")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id(
            "Budget",
            self.project_id,
            self.planned.currency,
            self.starts_on.isoformat(),
            self.category,
        )

    @classmethod
    def of(cls, b: BudgetModel, project_id: int) -> Budget:
        return cls(
            project_id=project_id,
            category=b.category,
            starts_on=b.starts_on,
            ends_on=b.ends_on,
            planned=Money.of(b.planned),
            actual=Money.of(b.actual),
            remaining=Money.of(b.remaining),
        )


@strawberry.type(description="A rate stated for reports: units of quote per unit of currency.")
class ExchangeRate(Node):
    project_id: strawberry.Private[int]
    currency: str
    quote: str
    quoted_on: date
    rate: str = strawberry.field(description="Exact decimal, as text.")
    source: str

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id(
            "ExchangeRate", self.project_id, self.currency, self.quote, self.quoted_on.isoformat()
        )

    @classmethod
    def of(cls, r: Rate, project_id: int) -> ExchangeRate:
        return cls(
            project_id=project_id,
            currency=r.currency,
            quote=r.quote,
            quoted_on=r.quoted_on,
            rate=str(r.rate),
            source=r.source,
        )


@strawberry.type(
    description="An expense a payee submitted: draft, approved, paid, or rejected with a reason."
)
class ExpenseClaim(Node):
    project_id: strawberry.Private[int]
    number: int
    state: str = strawberry.field(description="draft, approved, paid or rejected.")
    submitter: str = strawberry.field(description="The journal's name of who submitted it.")
    payee: str
    amount: Money
    category: str
    fund: str
    purpose: str
    evidence_url: str
    approval: int | None = strawberry.field(description="The approval it is paid under.")
    transaction: int | None = strawberry.field(description="The expense that paid it.")
    rejection_reason: str | None
    decided_by: str | None = strawberry.field(description="Who approved or rejected it.")
    submitted_at: datetime
    updated_at: datetime

    @strawberry.field(description="Opaque global id (``node`` answers it to members only).")
    def id(self) -> strawberry.ID:
        return global_id("ExpenseClaim", self.project_id, self.number)

    @classmethod
    def of(cls, c: Claim, project_id: int) -> ExpenseClaim:
        return cls(
            project_id=project_id,
            number=c.id,
            state=c.state,
            submitter=c.submitter,
            payee=c.payee,
            amount=Money.of(c.amount),
            category=c.category,
            fund=c.fund,
            purpose=c.purpose,
            evidence_url=c.evidence_url,
            approval=c.approval_id,
            transaction=c.transaction_id,
            rejection_reason=c.rejection_reason,
            decided_by=c.decided_by,
            submitted_at=c.submitted_at,
            updated_at=c.updated_at,
        )
