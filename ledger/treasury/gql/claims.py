"""GraphQL mutations of expense claims: a project member (the payee) submits one; a
maintainer approves it (under a passed proposal's approval, or as maintainer where
the policy allows), rejects it with a reason, or pays it once approved."""

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
from ledger.kernel.money import parse_amount
from ledger.register.gql.access import maintained_project
from ledger.register.projects import get_project
from ledger.treasury import claims
from ledger.treasury.gql.tool_types import ExpenseClaim
from ledger.treasury.gql.types import TreasuryTransaction


@strawberry.input(description="An expense the payee asks the project to pay.")
class SubmitExpenseInput:
    project: str
    payee: str
    amount: str
    currency: str
    purpose: str
    evidence_url: str = strawberry.field(description="The invoice or receipt.")
    idempotency_key: str
    category: str = "general"
    fund: str = "main"


@strawberry.input(description="Approve a draft claim.")
class ApproveExpenseInput:
    project: str
    claim: int
    idempotency_key: str
    approval: int | None = strawberry.field(
        default=None,
        description="A passed proposal's approval; left out, the maintainer approves where "
        "the policy allows.",
    )


@strawberry.input(description="Reject a draft claim, with the reason given to the payee.")
class RejectExpenseInput:
    project: str
    claim: int
    reason: str
    idempotency_key: str


@strawberry.input(description="Pay an approved claim out of its fund.")
class PayExpenseInput:
    project: str
    claim: int
    idempotency_key: str
    occurred_on: date | None = None
    memo: str = ""


@strawberry.type
class ExpenseClaimPayload:
    claim: ExpenseClaim
    replayed: bool
    transaction: TreasuryTransaction | None = strawberry.field(
        default=None, description="The expense that paid it (payExpense)."
    )


ClaimResult = Annotated[ExpenseClaimPayload | MutationError, strawberry.union("ExpenseClaimResult")]


@strawberry.type
class ExpenseClaimMutation:
    @strawberry.mutation(description="Submit an expense as its payee (a project member).")
    async def submit_expense(self, info: Info, input: SubmitExpenseInput) -> ClaimResult:
        async def work(conn: asyncpg.Connection) -> ExpenseClaimPayload:
            info.context.principal.require(input.project, "member")
            project = await get_project(conn, input.project)
            claim, replayed = await claims.submit_expense(
                conn,
                project.id,
                key=input.idempotency_key,
                payee=input.payee,
                money=parse_amount(input.amount, input.currency),
                purpose=input.purpose,
                evidence_url=input.evidence_url,
                category=input.category,
                fund=input.fund,
                actor=info.context.principal.actor,
            )
            return ExpenseClaimPayload(claim=ExpenseClaim.of(claim, project.id), replayed=replayed)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Approve a draft expense claim.")
    async def approve_expense(self, info: Info, input: ApproveExpenseInput) -> ClaimResult:
        async def work(conn: asyncpg.Connection) -> ExpenseClaimPayload:
            project = await maintained_project(conn, info, input.project)
            claim, replayed = await claims.approve_claim(
                conn,
                project.id,
                key=input.idempotency_key,
                claim_id=input.claim,
                approval_id=input.approval,
                actor=info.context.principal.actor,
            )
            return ExpenseClaimPayload(claim=ExpenseClaim.of(claim, project.id), replayed=replayed)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Reject a draft expense claim with a reason.")
    async def reject_expense(self, info: Info, input: RejectExpenseInput) -> ClaimResult:
        async def work(conn: asyncpg.Connection) -> ExpenseClaimPayload:
            project = await maintained_project(conn, info, input.project)
            claim, replayed = await claims.reject_claim(
                conn,
                project.id,
                key=input.idempotency_key,
                claim_id=input.claim,
                reason=input.reason,
                actor=info.context.principal.actor,
            )
            return ExpenseClaimPayload(claim=ExpenseClaim.of(claim, project.id), replayed=replayed)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Pay an approved expense claim.")
    async def pay_expense(self, info: Info, input: PayExpenseInput) -> ClaimResult:
        async def work(conn: asyncpg.Connection) -> ExpenseClaimPayload:
            project = await maintained_project(conn, info, input.project)
            claim, tx, replayed = await claims.pay_claim(
                conn,
                project.id,
                key=input.idempotency_key,
                claim_id=input.claim,
                occurred_on=input.occurred_on,
                memo=input.memo,
                actor=info.context.principal.actor,
            )
            return ExpenseClaimPayload(
                claim=ExpenseClaim.of(claim, project.id),
                replayed=replayed,
                transaction=TreasuryTransaction.of(tx, project.id),
            )

        return await run_mutation(info, work)
