"""``Project``'s decisions: its proposals (with deadlines), one proposal, delegations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from governance import reads, store
from governance.gql.ordering import ProposalOrder
from governance.gql.root import GovernanceQuery
from governance.gql.types import Delegation, Proposal, ProposalState
from ledger.graphql import Connection, Info, connection
from ledger.kernel.paging import slice_of
from ledger.register.gql.types import Project


@strawberry.type
class ProjectDecisions:
    @strawberry.field(
        description="The project's proposals, newest first; open ones ordered by "
        "`CLOSES_AT` ascending list what is due first."
    )
    async def proposals(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        state: Annotated[
            ProposalState | None, strawberry.argument(description="Only proposals in this state.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: ProposalOrder | None = None,
    ) -> Connection[Proposal]:
        order = order_by or ProposalOrder()
        page = await reads.proposals_page(
            info.context.pool,
            root.model.id,
            state.value if state else None,
            slice_of(first, after, last, before, 2),
            order.field.value,
            order.direction.descending,
        )
        return connection(page, [Proposal(model=p, project=root.model.slug) for p in page.items])

    @strawberry.field(description="One proposal by its number.")
    async def proposal(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        number: Annotated[int, strawberry.argument(description="The proposal's number.")],
    ) -> Proposal | None:
        (model,) = await store.load(info.context.pool, [(root.model.id, number)])
        return Proposal(model=model, project=root.model.slug) if model else None

    @strawberry.field(description="Standing delegations of votes (public).")
    async def delegations(self, root: strawberry.Parent[Project], info: Info) -> list[Delegation]:
        return await GovernanceQuery.delegations(GovernanceQuery(), info, root.model.slug)
