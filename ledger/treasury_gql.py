"""GraphQL queries and mutations of sponsor funding. Reads are public; maintainers
write. Every money mutation takes an idempotency key and returns its payload or a
typed error (overdraft, missing approval, non-commons terms... as ConflictError
codes)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import asyncpg
import strawberry

from ledger import idempotency, projects, treasury_moves
from ledger.errors import InvalidInput
from ledger.gql_common import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationError,
    run_mutation,
)
from ledger.models import Project as ProjectModel
from ledger.money import parse_amount, parse_rate
from ledger.treasury import set_policy
from ledger.treasury_books import get_transaction
from ledger.treasury_gql_types import (
    Info,
    Sponsor,
    Sponsorship,
    SponsorshipKind,
    Treasury,
    TreasuryPolicy,
    TreasuryTransaction,
)
from ledger.treasury_models import NewSponsorship, Policy, TermsInput
from ledger.treasury_models import Transaction as TransactionModel
from ledger.treasury_terms import (
    get_sponsorship,
    list_sponsors,
    list_sponsorships,
    record_sponsor,
    record_sponsorship,
)


@strawberry.input
class RecordSponsorInput:
    project: str
    organisation: str | None = strawberry.field(
        default=None, description="Organisation name (created in the register if new)."
    )
    contributor: int | None = strawberry.field(default=None, description="Contributor number.")


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


@strawberry.input
class RecordReceiptInput:
    project: str
    sponsor: int
    amount: str
    currency: str
    idempotency_key: str
    fund: str = "main"
    sponsorship: int | None = None
    occurred_on: date | None = None
    memo: str = ""


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
    rate: str = strawberry.field(description="Units of toCurrency per unit, exact decimal string.")
    rate_source: str
    rate_date: date
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


@strawberry.type
class SponsorPayload:
    sponsor: Sponsor
    created: bool


@strawberry.type
class SponsorshipPayload:
    sponsorship: Sponsorship
    pledge: TreasuryTransaction | None
    replayed: bool


@strawberry.type
class TreasuryTransactionPayload:
    transaction: TreasuryTransaction
    replayed: bool = strawberry.field(description="True when the key had been used before.")


@strawberry.type
class TreasuryPolicyPayload:
    policy: TreasuryPolicy


Errors = ValidationError | NotFoundError | ConflictError | ForbiddenError
SponsorResult = Annotated[SponsorPayload | Errors, strawberry.union("RecordSponsorResult")]
SponsorshipResult = Annotated[
    SponsorshipPayload | Errors, strawberry.union("RecordSponsorshipResult")
]
TransactionResult = Annotated[
    TreasuryTransactionPayload | Errors, strawberry.union("TreasuryTransactionResult")
]
PolicyResult = Annotated[TreasuryPolicyPayload | Errors, strawberry.union("TreasuryPolicyResult")]


async def _maintained(conn: asyncpg.Connection, info: Info, slug: str) -> ProjectModel:
    info.context.principal.require(slug, "maintainer")
    return await projects.get_project(conn, slug)


def _payload(done: tuple[TransactionModel, bool]) -> TreasuryTransactionPayload:
    tx, replayed = done
    return TreasuryTransactionPayload(transaction=TreasuryTransaction.of(tx), replayed=replayed)


def _terms(t: CommonsTermsInput) -> TermsInput:
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


@strawberry.type
class TreasuryQuery:
    @strawberry.field(description="A project's treasury (null when there is no such project).")
    async def treasury(self, info: Info, project: str) -> Treasury | None:
        found = await projects.find_project(info.context.pool, project)
        return Treasury(project_id=found.id) if found else None

    @strawberry.field(description="A project's sponsors, first recorded first.")
    async def sponsors(self, info: Info, project: str) -> list[Sponsor]:
        found = await projects.get_project(info.context.pool, project)
        return [Sponsor.of(found.id, s) for s in await list_sponsors(info.context.pool, found.id)]

    @strawberry.field(description="A project's sponsorships with their terms, oldest first.")
    async def sponsorships(
        self, info: Info, project: str, sponsor: int | None = None
    ) -> list[Sponsorship]:
        found = await projects.get_project(info.context.pool, project)
        rows = await list_sponsorships(info.context.pool, found.id, sponsor)
        return [Sponsorship.of(found.id, s) for s in rows]


@strawberry.type
class TreasuryMutation:
    @strawberry.mutation(description="Record an organisation or contributor as a sponsor.")
    async def record_sponsor(self, info: Info, input: RecordSponsorInput) -> SponsorResult:
        async def work(conn: asyncpg.Connection) -> SponsorPayload:
            project = await _maintained(conn, info, input.project)
            sponsor, created = await record_sponsor(
                conn,
                project.id,
                organisation=input.organisation,
                contributor_id=input.contributor,
                actor=info.context.principal.actor,
            )
            return SponsorPayload(sponsor=Sponsor.of(project.id, sponsor), created=created)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Record a sponsorship under its terms, optionally pledged.")
    async def record_sponsorship(
        self, info: Info, input: RecordSponsorshipInput
    ) -> SponsorshipResult:
        async def work(conn: asyncpg.Connection) -> SponsorshipPayload:
            project = await _maintained(conn, info, input.project)
            actor = info.context.principal.actor
            money = None
            if input.amount is not None or input.currency is not None:
                money = parse_amount(input.amount, input.currency or "")
            request = {
                "sponsor": input.sponsor,
                "kind": input.kind.value,
                "money": [money.decimal, money.currency] if money else None,
                "in_kind": input.in_kind_description,
                "period": [str(input.period_start), str(input.period_end)],
                "recurrence": input.recurrence,
                "earmark": input.earmark,
                "terms": [
                    input.terms.title,
                    input.terms.version,
                    _terms(input.terms).digest.hex(),
                    _terms(input.terms).claims(),
                ],
                "non_commons": input.non_commons_reason,
                "pledge": input.pledge,
            }
            scope = "treasury.sponsorship"
            stored = await idempotency.claim(
                conn, project.id, scope, input.idempotency_key, request
            )
            if stored is not None:
                sponsorship = await get_sponsorship(conn, project.id, stored["sponsorship"])
                pledged = stored.get("transaction")
                tx = await get_transaction(conn, project.id, pledged) if pledged else None
                return SponsorshipPayload(
                    sponsorship=Sponsorship.of(project.id, sponsorship),
                    pledge=TreasuryTransaction.of(tx) if tx else None,
                    replayed=True,
                )
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
            sponsorship, _ = await record_sponsorship(
                conn,
                project.id,
                data,
                _terms(input.terms),
                non_commons_reason=input.non_commons_reason,
                actor=actor,
            )
            pledge = None
            if input.pledge:
                if money is None or input.kind == SponsorshipKind.IN_KIND:
                    raise InvalidInput("only a money sponsorship can be pledged", "pledge")
                pledge, _ = await treasury_moves.record_pledge(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    sponsor_id=input.sponsor,
                    money=money,
                    sponsorship_id=sponsorship.id,
                    actor=actor,
                )
            result = {"sponsorship": sponsorship.id, "transaction": pledge.id if pledge else None}
            await idempotency.remember(conn, project.id, scope, input.idempotency_key, result)
            return SponsorshipPayload(
                sponsorship=Sponsorship.of(project.id, sponsorship),
                pledge=TreasuryTransaction.of(pledge) if pledge else None,
                replayed=False,
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Record money received from a sponsor.")
    async def record_receipt(self, info: Info, input: RecordReceiptInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await _maintained(conn, info, input.project)
            return _payload(
                await treasury_moves.record_receipt(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    sponsor_id=input.sponsor,
                    money=parse_amount(input.amount, input.currency),
                    fund=input.fund,
                    sponsorship_id=input.sponsorship,
                    on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                )
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Pay an approved expense to a payee.")
    async def record_expense(self, info: Info, input: RecordExpenseInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await _maintained(conn, info, input.project)
            return _payload(
                await treasury_moves.record_expense(
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
                    on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                )
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Return money to a sponsor (never more than it paid).")
    async def refund(self, info: Info, input: RefundInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await _maintained(conn, info, input.project)
            return _payload(
                await treasury_moves.refund(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    sponsor_id=input.sponsor,
                    money=parse_amount(input.amount, input.currency),
                    fund=input.fund,
                    on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                )
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Move money between two funds.")
    async def transfer(self, info: Info, input: TransferInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await _maintained(conn, info, input.project)
            return _payload(
                await treasury_moves.transfer(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    money=parse_amount(input.amount, input.currency),
                    source=input.from_fund,
                    target=input.to_fund,
                    on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                )
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Convert currency at an exact, sourced rate.")
    async def convert_currency(self, info: Info, input: ConvertCurrencyInput) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await _maintained(conn, info, input.project)
            return _payload(
                await treasury_moves.convert_currency(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    money=parse_amount(input.amount, input.currency),
                    to_currency=input.to_currency,
                    rate=parse_rate(input.rate),
                    rate_source=input.rate_source,
                    rate_date=input.rate_date,
                    source=input.from_fund,
                    target=input.to_fund,
                    on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                )
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Correct a transaction by posting its exact opposite.")
    async def reverse_transaction(
        self, info: Info, input: ReverseTransactionInput
    ) -> TransactionResult:
        async def work(conn: asyncpg.Connection) -> TreasuryTransactionPayload:
            project = await _maintained(conn, info, input.project)
            return _payload(
                await treasury_moves.reverse(
                    conn,
                    project.id,
                    key=input.idempotency_key,
                    transaction_id=input.transaction,
                    on=input.occurred_on,
                    memo=input.memo,
                    actor=info.context.principal.actor,
                )
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Set the project's overdraft and approval policy.")
    async def set_treasury_policy(self, info: Info, input: SetTreasuryPolicyInput) -> PolicyResult:
        async def work(conn: asyncpg.Connection) -> TreasuryPolicyPayload:
            project = await _maintained(conn, info, input.project)
            policy = await set_policy(
                conn,
                project,
                Policy(input.allow_overdraft, input.maintainer_approval),
                info.context.principal.actor,
            )
            return TreasuryPolicyPayload(
                policy=TreasuryPolicy(
                    allow_overdraft=policy.allow_overdraft,
                    maintainer_approval=policy.maintainer_approval,
                )
            )

        return await run_mutation(info, work)
