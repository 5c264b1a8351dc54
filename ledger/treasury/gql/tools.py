"""GraphQL mutations of the treasurer's tools (maintainers only; each takes an
idempotency key and returns its payload or a typed error): posting due installments
of recurring pledges and cancelling one, in-kind support, funding goals, budgets and
exchange rates stated for reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import asyncpg
import strawberry

from ledger.graphql import (
    Info,
    MutationError,
    run_mutation,
)
from ledger.kernel.money import parse_amount, parse_rate
from ledger.register.gql.access import maintained_project
from ledger.treasury import plans, rates, recurring
from ledger.treasury.gql.tool_types import Budget, ExchangeRate, FundingGoal, PledgeCancellation
from ledger.treasury.gql.types import TreasuryTransaction
from ledger.treasury.in_kind import record_in_kind


@strawberry.input(description="Post every recurring pledge's installments that fell due.")
class PostDuePledgesInput:
    project: str
    idempotency_key: str
    as_of: date | None = strawberry.field(
        default=None, description="Post what fell due by this day (today when left out)."
    )


@strawberry.input(description="Stop a recurring pledge from a date.")
class CancelRecurringPledgeInput:
    project: str
    sponsorship: int
    reason: str
    idempotency_key: str
    effective_on: date | None = strawberry.field(
        default=None,
        description="No installment due from this day on posts (today when left out); "
        "not before the last installment posted.",
    )


@strawberry.input(description="Support in goods or services, valued, never money held.")
class RecordInKindInput:
    project: str
    sponsor: int
    amount: str = strawberry.field(description="The stated value, a decimal string.")
    currency: str
    category: str = strawberry.field(
        description="hardware, ci_minutes, hosting, staff_time, services or other."
    )
    description: str
    idempotency_key: str
    sponsorship: int | None = strawberry.field(
        default=None, description="The sponsor's in-kind sponsorship it is given under."
    )
    occurred_on: date | None = None
    memo: str = ""


@strawberry.input(description="Set (or replace) a funding goal of the project or a fund.")
class SetFundingGoalInput:
    project: str
    amount: str
    currency: str
    title: str
    starts_on: date
    idempotency_key: str
    fund: str | None = strawberry.field(
        default=None, description="The fund; left out, the goal is the whole project's."
    )
    ends_on: date | None = None


@strawberry.input(description="Set (or replace) a category's budget from a start date.")
class SetBudgetInput:
    project: str
    category: str
    amount: str
    currency: str
    starts_on: date
    ends_on: date
    idempotency_key: str


@strawberry.input(description="State an exchange rate for reports (never moves money).")
class RecordExchangeRateInput:
    project: str
    currency: str
    quote: str = strawberry.field(description="The currency the rate is quoted in.")
    rate: str = strawberry.field(description="Units of quote per unit of currency, exact.")
    quoted_on: date
    source: str
    idempotency_key: str


@strawberry.type
class DuePledgesPayload:
    pledges: list[TreasuryTransaction] = strawberry.field(
        description="The installments posted, one pledge each."
    )
    replayed: bool


@strawberry.type
class PledgeCancellationPayload:
    cancellation: PledgeCancellation
    replayed: bool


@strawberry.type
class InKindPayload:
    transaction: TreasuryTransaction
    replayed: bool


@strawberry.type
class FundingGoalPayload:
    goal: FundingGoal
    replayed: bool


@strawberry.type
class BudgetPayload:
    budget: Budget
    replayed: bool


@strawberry.type
class ExchangeRatePayload:
    rate: ExchangeRate
    replayed: bool


DuePledgesResult = Annotated[
    DuePledgesPayload | MutationError, strawberry.union("PostDuePledgesResult")
]
CancelResult = Annotated[
    PledgeCancellationPayload | MutationError, strawberry.union("CancelRecurringPledgeResult")
]
InKindResult = Annotated[InKindPayload | MutationError, strawberry.union("RecordInKindResult")]
GoalResult = Annotated[FundingGoalPayload | MutationError, strawberry.union("SetFundingGoalResult")]
BudgetResult = Annotated[BudgetPayload | MutationError, strawberry.union("SetBudgetResult")]
RateResult = Annotated[
    ExchangeRatePayload | MutationError, strawberry.union("RecordExchangeRateResult")
]


@strawberry.type
class TreasuryToolsMutation:
    @strawberry.mutation(description="Post the installments of recurring pledges that fell due.")
    async def post_due_pledges(self, info: Info, input: PostDuePledgesInput) -> DuePledgesResult:
        async def work(conn: asyncpg.Connection) -> DuePledgesPayload:
            project = await maintained_project(conn, info, input.project)
            made, replayed = await recurring.post_due_pledges(
                conn,
                project.id,
                key=input.idempotency_key,
                as_of=input.as_of,
                actor=info.context.principal.actor,
            )
            return DuePledgesPayload(
                pledges=[TreasuryTransaction.of(t, project.id) for t in made], replayed=replayed
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Stop a recurring pledge's future installments.")
    async def cancel_recurring_pledge(
        self, info: Info, input: CancelRecurringPledgeInput
    ) -> CancelResult:
        async def work(conn: asyncpg.Connection) -> PledgeCancellationPayload:
            project = await maintained_project(conn, info, input.project)
            done, replayed = await recurring.cancel_recurring_pledge(
                conn,
                project.id,
                key=input.idempotency_key,
                sponsorship_id=input.sponsorship,
                effective_on=input.effective_on,
                reason=input.reason,
                actor=info.context.principal.actor,
            )
            return PledgeCancellationPayload(
                cancellation=PledgeCancellation.of(done), replayed=replayed
            )

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Post in-kind support at its stated value against its contra account."
    )
    async def record_in_kind(self, info: Info, input: RecordInKindInput) -> InKindResult:
        async def work(conn: asyncpg.Connection) -> InKindPayload:
            project = await maintained_project(conn, info, input.project)
            tx, replayed = await record_in_kind(
                conn,
                project.id,
                key=input.idempotency_key,
                sponsor_id=input.sponsor,
                value=parse_amount(input.amount, input.currency),
                category=input.category,
                description=input.description,
                sponsorship_id=input.sponsorship,
                occurred_on=input.occurred_on,
                memo=input.memo,
                actor=info.context.principal.actor,
            )
            return InKindPayload(
                transaction=TreasuryTransaction.of(tx, project.id), replayed=replayed
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Set the funding goal of the project or of a fund.")
    async def set_funding_goal(self, info: Info, input: SetFundingGoalInput) -> GoalResult:
        async def work(conn: asyncpg.Connection) -> FundingGoalPayload:
            project = await maintained_project(conn, info, input.project)
            goal, replayed = await plans.set_goal(
                conn,
                project.id,
                key=input.idempotency_key,
                fund=input.fund,
                target=parse_amount(input.amount, input.currency),
                title=input.title,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                actor=info.context.principal.actor,
            )
            return FundingGoalPayload(goal=FundingGoal.of(goal, project.id), replayed=replayed)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Set the budget of an expense category.")
    async def set_budget(self, info: Info, input: SetBudgetInput) -> BudgetResult:
        async def work(conn: asyncpg.Connection) -> BudgetPayload:
            project = await maintained_project(conn, info, input.project)
            budget, replayed = await plans.set_budget(
                conn,
                project.id,
                key=input.idempotency_key,
                category=input.category,
                planned=parse_amount(input.amount, input.currency),
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                actor=info.context.principal.actor,
            )
            return BudgetPayload(budget=Budget.of(budget, project.id), replayed=replayed)

        return await run_mutation(info, work)

    @strawberry.mutation(description="State an exchange rate that reports value balances at.")
    async def record_exchange_rate(self, info: Info, input: RecordExchangeRateInput) -> RateResult:
        async def work(conn: asyncpg.Connection) -> ExchangeRatePayload:
            project = await maintained_project(conn, info, input.project)
            stated, replayed = await rates.record_rate(
                conn,
                project.id,
                key=input.idempotency_key,
                currency=input.currency,
                quote=input.quote,
                quoted_on=input.quoted_on,
                rate=parse_rate(input.rate, "rate"),
                source=input.source,
                actor=info.context.principal.actor,
            )
            return ExchangeRatePayload(rate=ExchangeRate.of(stated, project.id), replayed=replayed)

        return await run_mutation(info, work)
