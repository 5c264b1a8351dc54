"""GraphQL mutations of sponsor funding: maintainers write; every money mutation
takes an idempotency key and returns its payload or a typed error (overdraft,
missing approval, non-commons terms... as ConflictError codes)."""

from __future__ import annotations

import asyncpg
import strawberry

from ledger.graphql import Info, run_mutation
from ledger.kernel.money import parse_amount, parse_rate
from ledger.register.gql.access import maintained_project
from ledger.treasury import expenses as treasury_expenses
from ledger.treasury import movements as treasury_moves
from ledger.treasury import refunds as treasury_refunds
from ledger.treasury import reversals as treasury_reversals
from ledger.treasury.approvals import set_policy
from ledger.treasury.gql.inputs import (
    ConvertCurrencyInput,
    PolicyResult,
    RecordExpenseInput,
    RecordReceiptInput,
    RecordSponsorInput,
    RecordSponsorshipInput,
    RefundInput,
    ReverseTransactionInput,
    SetTreasuryPolicyInput,
    SponsorPayload,
    SponsorResult,
    SponsorshipPayload,
    SponsorshipResult,
    TransactionResult,
    TransferInput,
    TreasuryPolicyPayload,
    TreasuryTransactionPayload,
    terms_input,
)
from ledger.treasury.gql.sponsors import Sponsor, Sponsorship
from ledger.treasury.gql.types import TreasuryPolicy, TreasuryTransaction
from ledger.treasury.models import NewSponsorship, Policy
from ledger.treasury.models import Transaction as TransactionModel
from ledger.treasury.sponsoring import sponsor_once
from ledger.treasury.sponsors import record_sponsor


def _payload(project_id: int, done: tuple[TransactionModel, bool]) -> TreasuryTransactionPayload:
    tx, replayed = done
    return TreasuryTransactionPayload(
        transaction=TreasuryTransaction.of(tx, project_id), replayed=replayed
    )


@strawberry.type
class BooksMutation:
    @strawberry.mutation(description="Record an organisation or contributor as a sponsor.")
    async def record_sponsor(self, info: Info, input: RecordSponsorInput) -> SponsorResult:
        async def work(conn: asyncpg.Connection) -> SponsorPayload:
            project = await maintained_project(conn, info, input.project)
            sponsor, created = await record_sponsor(
                conn,
                project.id,
                organisation=input.organisation,
                contributor_id=input.contributor,
                actor=info.context.principal.actor,
                anonymous=input.anonymous,
            )
            return SponsorPayload(
                sponsor=Sponsor.of(project.id, project.slug, sponsor), created=created
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Record a sponsorship under its terms, optionally pledged.")
    async def record_sponsorship(
        self, info: Info, input: RecordSponsorshipInput
    ) -> SponsorshipResult:
        async def work(conn: asyncpg.Connection) -> SponsorshipPayload:
            project = await maintained_project(conn, info, input.project)
            actor = info.context.principal.actor
            money = None
            if input.amount is not None or input.currency is not None:
                money = parse_amount(input.amount, input.currency or "")
            data = NewSponsorship(
                input.sponsor,
                input.kind.value,
                money,
                input.in_kind_description,
                input.period_start,
                input.period_end,
                input.recurrence,
                input.earmark,
            )
            done = await sponsor_once(
                conn,
                project.id,
                key=input.idempotency_key,
                data=data,
                terms=terms_input(input.terms),
                non_commons_reason=input.non_commons_reason,
                pledge=input.pledge,
                actor=actor,
                occurred_on=input.occurred_on,
                due_on=input.due_on,
            )
            return SponsorshipPayload(
                sponsorship=Sponsorship.of(project.id, done.sponsorship),
                pledge=TreasuryTransaction.of(done.pledge, project.id) if done.pledge else None,
                installments=[TreasuryTransaction.of(t, project.id) for t in done.installments],
                replayed=done.replayed,
            )

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Record money received from a sponsor (gross), with the fees charged on it."
    )
    async def record_receipt(self, info: Info, input: RecordReceiptInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await maintained_project(conn, info, input.project)
            fees = [
                treasury_moves.Fee(
                    f.kind.value,
                    parse_amount(f.amount, input.currency, f"fees.{n}.amount"),
                    f.payee,
                )
                for n, f in enumerate(input.fees)
            ]
            tx, replayed = await treasury_moves.record_receipt(
                conn,
                project.id,
                key=input.idempotency_key,
                sponsor_id=input.sponsor,
                money=parse_amount(input.amount, input.currency),
                fund=input.fund,
                sponsorship_id=input.sponsorship,
                occurred_on=input.occurred_on,
                memo=input.memo,
                fees=fees,
                actor=info.context.principal.actor,
            )
            charged = await treasury_moves.receipt_fees(conn, project.id, tx.id)
            return TreasuryTransactionPayload(
                transaction=TreasuryTransaction.of(tx, project.id),
                replayed=replayed,
                fees=[TreasuryTransaction.of(f, project.id) for f in charged],
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Pay an approved expense to a payee.")
    async def record_expense(self, info: Info, input: RecordExpenseInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await maintained_project(conn, info, input.project)
            return _payload(
                project.id,
                await treasury_expenses.record_expense(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    money=parse_amount(input.amount, input.currency),
                    payee=input.payee,
                    purpose=input.purpose,
                    evidence_url=input.evidence_url,
                    approval_id=input.approval,
                    category=input.category,
                    fund=input.fund,
                    occurred_on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                ),
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Return money to a sponsor (never more than it paid).")
    async def refund(self, info: Info, input: RefundInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await maintained_project(conn, info, input.project)
            return _payload(
                project.id,
                await treasury_refunds.refund(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    sponsor_id=input.sponsor,
                    money=parse_amount(input.amount, input.currency),
                    fund=input.fund,
                    receipt_id=input.receipt,
                    occurred_on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                ),
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Move money between two funds.")
    async def transfer(self, info: Info, input: TransferInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await maintained_project(conn, info, input.project)
            return _payload(
                project.id,
                await treasury_moves.transfer(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    money=parse_amount(input.amount, input.currency),
                    from_fund=input.from_fund,
                    to_fund=input.to_fund,
                    occurred_on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                ),
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Convert currency at an exact, sourced rate.")
    async def convert_currency(self, info: Info, input: ConvertCurrencyInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await maintained_project(conn, info, input.project)
            return _payload(
                project.id,
                await treasury_moves.convert_currency(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    money=parse_amount(input.amount, input.currency),
                    to_currency=input.to_currency,
                    fx_rate=parse_rate(input.fx_rate, "fxRate"),
                    fx_source=input.fx_source,
                    fx_date=input.fx_date,
                    from_fund=input.from_fund,
                    to_fund=input.to_fund,
                    occurred_on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                ),
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Correct a transaction by posting its exact opposite.")
    async def reverse_transaction(
        self, info: Info, input: ReverseTransactionInput
    ) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await maintained_project(conn, info, input.project)
            return _payload(
                project.id,
                await treasury_reversals.reverse(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    transaction_id=input.transaction,
                    occurred_on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                ),
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Set the project's overdraft and approval policy.")
    async def set_treasury_policy(self, info: Info, input: SetTreasuryPolicyInput) -> PolicyResult:
        async def work(conn: asyncpg.Connection) -> TreasuryPolicyPayload:
            project = await maintained_project(conn, info, input.project)
            policy = await set_policy(
                conn,
                project,
                Policy(input.allow_overdraft, input.maintainer_approval, input.reporting_currency),
                info.context.principal.actor,
            )
            return TreasuryPolicyPayload(
                policy=TreasuryPolicy(
                    allow_overdraft=policy.allow_overdraft,
                    maintainer_approval=policy.maintainer_approval,
                    reporting_currency=policy.reporting_currency,
                )
            )

        return await run_mutation(info, work)
