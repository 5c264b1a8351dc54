"""GraphQL queries of sponsor funding (public): a project's treasury with its
policy, balances at any date, keyset-paged transactions, approvals and integrity
check; its sponsors and sponsorships with their terms. ``TreasuryMutation`` (in
``treasury_gql_mutations``) is exported here beside ``TreasuryQuery``."""

from __future__ import annotations

from datetime import date

import strawberry

from ledger.graphql import Connection, Info, connection
from ledger.kernel.paging import page_size
from ledger.register import projects
from ledger.treasury.approvals import list_approvals, policy_of
from ledger.treasury.gql.mutations import TreasuryMutation
from ledger.treasury.gql.types import (
    Account,
    ExpenseApproval,
    Sponsor,
    Sponsorship,
    TransactionKind,
    TreasuryIntegrity,
    TreasuryPolicy,
    TreasuryTransaction,
)
from ledger.treasury.queries import TransactionFilter, balances, integrity, transactions_page
from ledger.treasury.sponsors import list_sponsors, list_sponsorships

__all__ = ["Treasury", "TreasuryMutation", "TreasuryQuery"]


@strawberry.input(description="Narrow a project's treasury transactions.")
class TreasuryTransactionFilter:
    kind: TransactionKind | None = None
    sponsor: int | None = strawberry.field(default=None, description="Sponsor number.")
    since: date | None = strawberry.field(default=None, description="Value date, inclusive.")
    until: date | None = strawberry.field(default=None, description="Value date, inclusive.")


@strawberry.type(description="A project's sponsor funding: books, policy and checks.")
class Treasury:
    project_id: strawberry.Private[int]

    @strawberry.field
    async def policy(self, info: Info) -> TreasuryPolicy:
        p = await policy_of(info.context.pool, self.project_id)
        return TreasuryPolicy(
            allow_overdraft=p.allow_overdraft, maintainer_approval=p.maintainer_approval
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

    @strawberry.field(description="The project's sponsors.")
    async def sponsors(self, info: Info) -> list[Sponsor]:
        return [
            Sponsor.of(self.project_id, s)
            for s in await list_sponsors(info.context.pool, self.project_id)
        ]

    @strawberry.field(
        description="Balanced transactions, balances equal to their replay, journal consistent."
    )
    async def integrity(self, info: Info) -> TreasuryIntegrity:
        async with info.context.pool.acquire() as conn:
            check = await integrity(conn, self.project_id)
        return TreasuryIntegrity(
            ok=check.ok,
            transactions=check.transactions,
            unbalanced_transactions=check.unbalanced,
            mismatched_accounts=check.mismatched_accounts,
            unjournaled_transactions=check.unjournaled,
            journal_ok=check.journal_ok,
            journal_reason=check.journal_reason,
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
