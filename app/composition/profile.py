"""A contributor's profile in one request (as GitHub's ``contributionsCollection``
answers a profile): standing from the register, grants and coverage from licenses,
public ballots and delegations from governance; and ``Project.funding``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from governance.gql.standing import (
    ContributorDelegations,
    PublicBallots,
    ballots_of,
    delegations_of,
)
from ledger.graphql import Info, number_of
from ledger.kernel.errors import InvalidInput
from ledger.kernel.paging import MAX_PAGE
from ledger.register import people
from ledger.register.gql.standing import Standing, standing_of
from ledger.register.gql.types import Contributor, Project
from ledger.treasury.gql.summary import (
    ExchangeRateInput,
    FundingPeriod,
    FundingSummary,
    funding_summary,
)
from licenses import coverage
from licenses import grants as grant_store
from licenses.gql.types import ContributorGrantStatus, Grant, grant_status


@strawberry.type(description="One contributor's part in one project, in one request.")
class ContributorProfile:
    project: strawberry.Private[Project]
    contributor: Contributor = strawberry.field(description="Who.")

    @property
    def _number(self) -> int:
        return int(self.contributor.db_id)

    @strawberry.field(description="Rank, credit explained, work by kind and month (null: none).")
    async def standing(self, info: Info) -> Standing | None:
        return await standing_of(info, self.project.model.id, self._number)

    @strawberry.field(description="How much of their counted work license grants cover.")
    async def coverage(self, info: Info) -> ContributorGrantStatus:
        found = await coverage.of_contributor(
            info.context.pool, self.project.model.id, self._number
        )
        return ContributorGrantStatus(
            contributor_id=self._number,
            project_id=self.project.model.id,
            project_slug=self.project.model.slug,
            grant_ids=found.grant_ids,
            contributions=found.total,
            covered=found.covered,
            uncovered=found.total - found.covered,
            status=grant_status(found.covered, found.total),
        )

    @strawberry.field(description="The license grants they gave, newest first.")
    async def grants(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="At most this many (1 to 100).")
        ] = 20,
    ) -> list[Grant]:
        rows, _ = await grant_store.list_grants(
            info.context.pool, self.project.model.id, None, self._number, None, _size(first)
        )
        return [Grant(model=g, project_slug=self.project.model.slug) for g in rows]

    @strawberry.field(description="The public ballots they cast (secret ones never show).")
    async def ballots(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="At most this many (1 to 100).")
        ] = 20,
    ) -> PublicBallots:
        return await ballots_of(info, self.project.model.id, self._number, _size(first))

    @strawberry.field(description="The delegations of votes they gave and received.")
    async def delegations(self, info: Info) -> ContributorDelegations:
        return await delegations_of(info, self.project.model.id, self._number)


def _size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}", "first")
    return first


@strawberry.type
class ProjectPeople:
    @strawberry.field(description="A contributor's profile in this project (null: no such person).")
    async def contributor_profile(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        contributor: Annotated[
            strawberry.ID, strawberry.argument(description="Contributor number or global id.")
        ],
    ) -> ContributorProfile | None:
        number = number_of(contributor, "Contributor", "contributor")
        loader = info.context.loaders.get(people.load_contributors)
        found = await loader.load(number)
        if found is not None and found.merged_into is not None:
            found = await loader.load(found.merged_into)  # their work moved there
        if found is None:
            return None
        return ContributorProfile(project=root, contributor=Contributor.of(found))

    @strawberry.field(
        description="Funding at a glance: money held (and in one reporting currency at the "
        "rates stated), outstanding pledges, receipts per sponsor and period."
    )
    async def funding(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        period: Annotated[
            FundingPeriod, strawberry.argument(description="How receipts are grouped in time.")
        ] = FundingPeriod.QUARTER,
        since: Annotated[
            date | None, strawberry.argument(description="Receipts from this value date on.")
        ] = None,
        until: Annotated[
            date | None, strawberry.argument(description="Receipts up to this value date.")
        ] = None,
        reporting_currency: Annotated[
            str | None, strawberry.argument(description="Also total the funds in this currency.")
        ] = None,
        rates: Annotated[
            list[ExchangeRateInput] | None,
            strawberry.argument(description="Rates to the reporting currency, one per currency."),
        ] = None,
    ) -> FundingSummary:
        return await funding_summary(
            info, root.model.id, period, since, until, reporting_currency, rates or []
        )
