"""``Project``'s licensing: coverage, grants, agreement and license texts, trademarks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from ledger.graphql import Connection, Info
from ledger.register.gql.types import Project
from licenses.gql.enums import AgreementInstrument, CoveragePeriod, GrantInstrument
from licenses.gql.root import Query as LicensesQuery
from licenses.gql.types import (
    AgreementText,
    ContributorGrantStatus,
    CoverageReport,
    Grant,
    LicenseText,
    TrademarkNotice,
    UncoveredContribution,
)

_Q = LicensesQuery()
Since = Annotated[
    datetime | None, strawberry.argument(description="Contributions made at or after this.")
]
Until = Annotated[
    datetime | None, strawberry.argument(description="Contributions made before this.")
]
Kind = Annotated[str | None, strawberry.argument(description="Only contributions of this kind.")]


@strawberry.type
class ProjectLicensing:
    @strawberry.field(
        description="License coverage of counted contributions by kind (and period): "
        "totals, covered and percentage; uncovered work of required kinds is flagged."
    )
    async def coverage(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        since: Since = None,
        until: Until = None,
        kind: Kind = None,
        period: Annotated[
            CoveragePeriod | None,
            strawberry.argument(description="Rows per month, quarter or year."),
        ] = None,
    ) -> CoverageReport | None:
        return await _Q.license_coverage(info, root.model.slug, since, until, kind, period)

    @strawberry.field(description="Contributions no grant covers, newest first.")
    async def uncovered_contributions(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        kind: Kind = None,
        since: Since = None,
        until: Until = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[UncoveredContribution] | None:
        return await _Q.uncovered_contributions(
            info, root.model.slug, kind, since, until, first, after
        )

    @strawberry.field(description="Each contributor's coverage and the grants giving it.")
    async def contributor_grant_status(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ContributorGrantStatus] | None:
        return await _Q.contributor_grant_status(info, root.model.slug, first, after)

    @strawberry.field(description="The grant covering one contribution, or null.")
    async def contribution_grant(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        contribution: Annotated[int, strawberry.argument(description="The contribution's number.")],
    ) -> Grant | None:
        return await _Q.contribution_grant(info, root.model.slug, contribution)

    @strawberry.field(description="The project's license grants, newest first.")
    async def grants(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        instrument: Annotated[
            GrantInstrument | None, strawberry.argument(description="Only grants given so.")
        ] = None,
        contributor: Annotated[
            int | None, strawberry.argument(description="Only grants by this contributor number.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Grant] | None:
        return await _Q.grants(info, root.model.slug, instrument, contributor, first, after)

    @strawberry.field(description="Published agreement texts, by instrument and version.")
    async def agreement_texts(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        instrument: Annotated[
            AgreementInstrument | None, strawberry.argument(description="Only this instrument's.")
        ] = None,
    ) -> list[AgreementText]:
        return await _Q.agreement_texts(info, root.model.slug, instrument)

    @strawberry.field(description="Texts of the project's own LicenseRef- licenses.")
    async def license_texts(
        self, root: strawberry.Parent[Project], info: Info
    ) -> list[LicenseText]:
        return await _Q.license_texts(info, root.model.slug)

    @strawberry.field(description="Trademark notices (kept apart from copyright grants).")
    async def trademark_notices(
        self, root: strawberry.Parent[Project], info: Info
    ) -> list[TrademarkNotice]:
        return await _Q.trademark_notices(info, root.model.slug)
