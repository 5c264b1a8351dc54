"""GraphQL queries of sponsor funding (public): a project's treasury with its
policy, balances at any date, keyset-paged transactions, approvals, outstanding and
recurring pledges, goals, budgets, stated rates, expense claims (to members) and the
integrity check; its sponsors and sponsorships with their terms. ``TreasuryMutation``
(the books' mutations of ``mutations`` with ``tools`` and ``claims``) is exported here
beside ``TreasuryQuery``."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.tools import merge_types

from ledger.graphql import Connection, Info, connection
from ledger.journal import checkpoints as journal_checkpoints
from ledger.kernel.errors import NotFound
from ledger.kernel.money import check_currency
from ledger.kernel.paging import page_size
from ledger.register import projects
from ledger.treasury import checkpoints as treasury_checkpoints
from ledger.treasury import claims, plans, rates, recurring
from ledger.treasury.approvals import list_approvals, policy_of
from ledger.treasury.gql.claims import ExpenseClaimMutation
from ledger.treasury.gql.mutations import BooksMutation
from ledger.treasury.gql.sponsors import Sponsor, Sponsorship
from ledger.treasury.gql.tool_types import (
    Budget,
    ExchangeRate,
    ExpenseClaim,
    FundingGoal,
    OutstandingPledge,
    RecurringPledge,
)
from ledger.treasury.gql.tools import TreasuryToolsMutation
from ledger.treasury.gql.types import (
    Account,
    ExpenseApproval,
    TransactionKind,
    TreasuryIntegrity,
    TreasuryPolicy,
    TreasuryTransaction,
)
from ledger.treasury.pledges import outstanding
from ledger.treasury.posting import today
from ledger.treasury.queries import TransactionFilter, balances, transactions_page
from ledger.treasury.sponsors import list_sponsors, list_sponsorships

__all__ = ["Treasury", "TreasuryMutation", "TreasuryQuery"]

TreasuryMutation = merge_types(
    "TreasuryMutation", (BooksMutation, TreasuryToolsMutation, ExpenseClaimMutation)
)


@strawberry.input(description="Narrow a project's treasury transactions.")
class TreasuryTransactionFilter:
    kind: TransactionKind | None = None
    sponsor: int | None = strawberry.field(default=None, description="Sponsor number.")
    since: date | None = strawberry.field(default=None, description="Value date, inclusive.")
    until: date | None = strawberry.field(default=None, description="Value date, inclusive.")


@strawberry.type(description="A project's sponsor funding: books, policy and checks.")
class Treasury:
    project_id: strawberry.Private[int]
    slug: strawberry.Private[str]

    @strawberry.field
    async def policy(self, info: Info) -> TreasuryPolicy:
        p = await policy_of(info.context.pool, self.project_id)
        return TreasuryPolicy(
            allow_overdraft=p.allow_overdraft,
            maintainer_approval=p.maintainer_approval,
            reporting_currency=p.reporting_currency,
        )

    @strawberry.field(description="Every account's balance, now or at the end of a value date.")
    async def balances(self, info: Info, at: date | None = None) -> list[Account]:
        found = await balances(info.context.pool, self.project_id, at)
        return [Account.of(a, self.project_id) for a in found]

    @strawberry.field(description="Transactions, newest value date first.")
    async def transactions(
        self,
        info: Info,
        filter: TreasuryTransactionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TreasuryTransaction]:
        f = filter or TreasuryTransactionFilter()
        where = TransactionFilter(f.kind.value if f.kind else None, f.sponsor, f.since, f.until)
        page = await transactions_page(
            info.context.pool, self.project_id, where, page_size(first), after
        )
        return connection(page, [TreasuryTransaction.of(t, self.project_id) for t in page.items])

    @strawberry.field(description="Expense approvals, oldest first.")
    async def approvals(self, info: Info) -> list[ExpenseApproval]:
        return [
            ExpenseApproval.of(a, self.project_id)
            for a in await list_approvals(info.context.pool, self.project_id)
        ]

    @strawberry.field(
        description="Pledges still open at the end of a day (today when left out), by due "
        "date, overdue ones flagged."
    )
    async def pledges(self, info: Info, as_of: date | None = None) -> list[OutstandingPledge]:
        pool = info.context.pool
        async with pool.acquire() as conn:
            day = as_of or await today(conn)
            return [
                OutstandingPledge.of(o, self.project_id)
                for o in await outstanding(conn, self.project_id, day)
            ]

    @strawberry.field(description="Recurring pledges with their schedules.")
    async def recurring_pledges(self, info: Info) -> list[RecurringPledge]:
        found = await recurring.schedules(info.context.pool, self.project_id)
        return [RecurringPledge.of(s, self.project_id) for s in found]

    @strawberry.field(description="Funding goals with the money raised towards each.")
    async def goals(self, info: Info) -> list[FundingGoal]:
        return [
            FundingGoal.of(g, self.project_id)
            for g in await plans.goals(info.context.pool, self.project_id)
        ]

    @strawberry.field(description="Budgets per expense category with what each spent.")
    async def budgets(self, info: Info) -> list[Budget]:
        return [
            Budget.of(b, self.project_id)
            for b in await plans.budgets(info.context.pool, self.project_id)
        ]

    @strawberry.field(
        description="The latest rate into a currency quoted by a day, per currency (the "
        "reporting currency and today when left out)."
    )
    async def exchange_rates(
        self, info: Info, quote: str | None = None, on: date | None = None
    ) -> list[ExchangeRate]:
        pool = info.context.pool
        target = quote or (await policy_of(pool, self.project_id)).reporting_currency
        if target is None:
            return []
        check_currency(target, "quote")
        async with pool.acquire() as conn:
            day = on or await today(conn)
            found = await rates.rates_on(conn, self.project_id, target, day)
        return [ExchangeRate.of(r, self.project_id) for r in found.values()]

    @strawberry.field(
        description="Expense claims (draft, approved, paid or rejected), oldest first; to the "
        "project's members (null, with a forbidden error, for anyone else)."
    )
    async def expense_claims(
        self,
        info: Info,
        state: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ExpenseClaim] | None:
        info.context.principal.require(self.slug, "member")
        page = await claims.claims_page(
            info.context.pool, self.project_id, state, page_size(first), after
        )
        return connection(page, [ExpenseClaim.of(c, self.project_id) for c in page.items])

    @strawberry.field(description="The project's sponsors.")
    async def sponsors(self, info: Info) -> list[Sponsor]:
        return [
            Sponsor.of(self.project_id, self.slug, s)
            for s in await list_sponsors(info.context.pool, self.project_id)
        ]

    @strawberry.field(
        description="Balanced transactions, balances equal to their replay, journal "
        "consistent, from the checkpoint. `full: true` (instance admins) rechecks the books "
        "and the whole journal now and records the verdict."
    )
    async def integrity(self, info: Info, full: bool = False) -> TreasuryIntegrity:
        pool = info.context.pool
        if full:
            info.context.principal.require_admin()
            async with pool.acquire() as conn:
                await treasury_checkpoints.recheck(conn, self.project_id)
        loaders = info.context.loaders
        books = await loaders.get(treasury_checkpoints.load_statuses).load(self.project_id)
        chain = await loaders.get(journal_checkpoints.load_statuses).load(self.project_id)
        if chain is None:
            raise NotFound(f"project {self.project_id} has no journal")
        return TreasuryIntegrity(
            ok=chain.ok and not (books.unbalanced or books.mismatched or books.unjournaled),
            transactions=books.transactions,
            unbalanced_transactions=books.unbalanced,
            mismatched_accounts=books.mismatched,
            unjournaled_transactions=books.unjournaled,
            journal_ok=chain.ok,
            journal_reason=chain.reason,
            through_seq=books.seq,
            last_transaction=books.last_transaction,
            checked_at=books.checked_at,
            full=full,
        )


@strawberry.type
class TreasuryQuery:
    @strawberry.field(description="A project's treasury (null when there is no such project).")
    async def treasury(self, info: Info, project: str) -> Treasury | None:
        found = await projects.find_project(info.context.pool, project)
        return Treasury(project_id=found.id, slug=found.slug) if found else None

    @strawberry.field(description="A project's sponsors, first recorded first.")
    async def sponsors(self, info: Info, project: str) -> list[Sponsor]:
        found = await projects.get_project(info.context.pool, project)
        return [
            Sponsor.of(found.id, found.slug, s)
            for s in await list_sponsors(info.context.pool, found.id)
        ]

    @strawberry.field(description="A project's sponsorships with their terms, oldest first.")
    async def sponsorships(
        self, info: Info, project: str, sponsor: int | None = None
    ) -> list[Sponsorship]:
        found = await projects.get_project(info.context.pool, project)
        rows = await list_sponsorships(info.context.pool, found.id, sponsor)
        return [Sponsorship.of(found.id, s) for s in rows]
