"""``Project``'s funding: its treasury (books, policy, checks), sponsors and sponsorships."""

from __future__ import annotations

from typing import Annotated

import strawberry

from ledger.graphql import Info
from ledger.register.gql.types import Project
from ledger.treasury.gql.root import Treasury, TreasuryQuery
from ledger.treasury.gql.sponsors import Sponsor, Sponsorship

_Q = TreasuryQuery()


@strawberry.type
class ProjectFunding:
    @strawberry.field(description="Sponsor funding: books, policy and integrity checks.")
    def treasury(self, root: strawberry.Parent[Project]) -> Treasury:
        return Treasury(project_id=root.model.id, slug=root.model.slug)

    @strawberry.field(description="The project's sponsors, first recorded first.")
    async def sponsors(self, root: strawberry.Parent[Project], info: Info) -> list[Sponsor]:
        return await _Q.sponsors(info, root.model.slug)

    @strawberry.field(description="The project's sponsorships with their terms, oldest first.")
    async def sponsorships(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        sponsor: Annotated[
            int | None, strawberry.argument(description="Only this sponsor number's.")
        ] = None,
    ) -> list[Sponsorship]:
        return await _Q.sponsorships(info, root.model.slug, sponsor)
