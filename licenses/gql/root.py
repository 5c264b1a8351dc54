"""GraphQL queries of the license register; root fields take the project slug.

Coverage, grants, agreement and license texts, trademark notices and compatibility.
Mutations live in ``licenses.gql.mutations``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from ledger.graphql import (
    Connection,
    Info,
    ValidationError,
    connection,
    int_key,
    validation_error,
)
from ledger.kernel.errors import InvalidInput
from ledger.kernel.paging import cursor_int, cursor_time, decode_cursor, make_page, page_size
from ledger.register import projects
from ledger.register.gql.types import Contribution
from ledger.register.models import Project as ProjectModel
from licenses import agreements, compat, coverage, spdx, trademarks
from licenses import grants as grant_store
from licenses.gql.compat_types import LicenseCompatibility
from licenses.gql.enums import (
    AgreementInstrument,
    CoveragePeriod,
    GrantInstrument,
)
from licenses.gql.mutations import Mutation
from licenses.gql.types import (
    AgreementText,
    ContributorGrantStatus,
    CoverageReport,
    CoverageRow,
    Grant,
    LicenseText,
    TrademarkNotice,
    UncoveredContribution,
    grant_status,
)

__all__ = ["NODES", "Mutation", "Query"]

CompatibilityResult = Annotated[
    LicenseCompatibility | ValidationError, strawberry.union("LicenseCompatibilityResult")
]


async def _project(info: Info, slug: str) -> ProjectModel | None:
    return await projects.find_project(info.context.pool, slug)


@strawberry.type
class Query:
    @strawberry.field(
        description="Coverage of counted contributions by kind (and period): totals, covered "
        "and percentage; uncovered work of required kinds is flagged."
    )
    async def license_coverage(
        self,
        info: Info,
        project: str,
        since: datetime | None = None,
        until: datetime | None = None,
        kind: str | None = None,
        period: CoveragePeriod | None = None,
    ) -> CoverageReport | None:
        found = await _project(info, project)
        if found is None:
            return None
        window = coverage.Window(since, until, kind)
        rows = await coverage.summary(
            info.context.pool, found.id, window, period.value if period else None
        )
        required = coverage.required_kinds(found.settings)
        total = sum(r.total for r in rows)
        covered = sum(r.covered for r in rows)
        flagged = sum(r.total - r.covered for r in rows if r.kind in required)
        return CoverageReport(
            total=total,
            covered=covered,
            uncovered=total - covered,
            percentage=coverage.percentage(covered, total),
            required_kinds=required,
            flagged=flagged,
            rows=[
                CoverageRow(
                    kind=r.kind,
                    period=r.period,
                    total=r.total,
                    covered=r.covered,
                    uncovered=r.total - r.covered,
                    percentage=coverage.percentage(r.covered, r.total),
                    required=r.kind in required,
                )
                for r in rows
            ],
        )

    @strawberry.field(description="Contributions no grant covers, newest first.")
    async def uncovered_contributions(
        self,
        info: Info,
        project: str,
        kind: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[UncoveredContribution] | None:
        size = page_size(first)
        key = decode_cursor(after, 2)
        cursor = (cursor_time(key[0]), cursor_int(key[1])) if key else None
        found = await _project(info, project)
        if found is None:
            return None
        rows, total = await coverage.uncovered(
            info.context.pool, found.id, coverage.Window(since, until, kind), cursor, size + 1
        )
        page = make_page(rows, size, total, lambda c: (c.occurred_at.isoformat(), c.id))
        required = coverage.required_kinds(found.settings)
        nodes = [
            UncoveredContribution(
                contribution=Contribution.of(c, found.slug), flagged=c.kind in required
            )
            for c in page.items
        ]
        return connection(page, nodes)

    @strawberry.field(description="Each contributor's coverage and the grants giving it.")
    async def contributor_grant_status(
        self, info: Info, project: str, first: int | None = None, after: str | None = None
    ) -> Connection[ContributorGrantStatus] | None:
        size = page_size(first)
        key = decode_cursor(after, 1)
        after_id = cursor_int(key[0]) if key else None
        found = await _project(info, project)
        if found is None:
            return None
        rows, total = await coverage.by_contributor(info.context.pool, found.id, after_id, size + 1)
        page = make_page(rows, size, total, lambda r: (r.contributor_id,))
        nodes = [
            ContributorGrantStatus(
                contributor_id=r.contributor_id,
                project_id=found.id,
                project_slug=found.slug,
                grant_ids=r.grant_ids,
                contributions=r.total,
                covered=r.covered,
                uncovered=r.total - r.covered,
                status=grant_status(r.covered, r.total),
            )
            for r in page.items
        ]
        return connection(page, nodes)

    @strawberry.field(description="The grant covering one contribution, or null.")
    async def contribution_grant(self, info: Info, project: str, contribution: int) -> Grant | None:
        found = await _project(info, project)
        if found is None:
            return None
        grant_id = await coverage.covering_grant(info.context.pool, found.id, contribution)
        if grant_id is None:
            return None
        grant = await grant_store.get_grant(info.context.pool, found.id, grant_id)
        return Grant(model=grant, project_slug=found.slug)

    @strawberry.field(description="The project's grants, newest first.")
    async def grants(
        self,
        info: Info,
        project: str,
        instrument: GrantInstrument | None = None,
        contributor: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Grant] | None:
        size = page_size(first)
        key = decode_cursor(after, 1)
        before = cursor_int(key[0]) if key else None
        found = await _project(info, project)
        if found is None:
            return None
        rows, total = await grant_store.list_grants(
            info.context.pool,
            found.id,
            instrument.value if instrument else None,
            contributor,
            before,
            size + 1,
        )
        page = make_page(rows, size, total, lambda g: (g.id,))
        return connection(page, [Grant(model=g, project_slug=found.slug) for g in page.items])

    @strawberry.field(description="Published agreement texts, by instrument and version.")
    async def agreement_texts(
        self, info: Info, project: str, instrument: AgreementInstrument | None = None
    ) -> list[AgreementText]:
        found = await _project(info, project)
        if found is None:
            return []
        texts = await agreements.list_agreements(
            info.context.pool, found.id, instrument.value if instrument else None
        )
        return [AgreementText.of(t) for t in texts]

    @strawberry.field(description="Texts of the project's own LicenseRef- licenses.")
    async def license_texts(self, info: Info, project: str) -> list[LicenseText]:
        found = await _project(info, project)
        if found is None:
            return []
        texts = await agreements.list_license_texts(info.context.pool, found.id)
        return [LicenseText.of(t) for t in texts]

    @strawberry.field(description="Trademark notices (kept apart from copyright grants).")
    async def trademark_notices(self, info: Info, project: str) -> list[TrademarkNotice]:
        found = await _project(info, project)
        if found is None:
            return []
        notices = await trademarks.list_notices(info.context.pool, found.id)
        return [TrademarkNotice.of(n) for n in notices]

    @strawberry.field(
        description="Whether work under `inbound` may be included in a work under `outbound` "
        "(SPDX expressions): the reason, who decided (OSADL or a project rule) and what every "
        "other source says; an invalid expression is a ValidationError naming the position."
    )
    def license_compatibility(self, inbound: str, outbound: str) -> CompatibilityResult:
        try:
            checked_in = spdx.check(inbound)
        except InvalidInput as exc:
            return validation_error(exc.message, "inbound")
        try:
            checked_out = spdx.check(outbound)
        except InvalidInput as exc:
            return validation_error(exc.message, "outbound")
        verdict = compat.compatibility(checked_in.expression, checked_out.expression)
        warnings = [f"inbound: {w}" for w in checked_in.warnings]
        warnings += [f"outbound: {w}" for w in checked_out.warnings]
        return LicenseCompatibility.of(
            checked_in.expression, checked_out.expression, verdict, warnings
        )


async def _grant_node(info: Info, parts: list[str]) -> Grant | None:
    if len(parts) != 2:
        return None
    loader = info.context.loaders.get(grant_store.load_grants)
    found = await loader.load((int_key(parts[0]), int_key(parts[1])))
    if found is None:
        return None
    (project,) = await projects.load_projects(info.context.pool, [found.project_id])
    assert project is not None
    return Grant(model=found, project_slug=project.slug)


NODES = {"Grant": _grant_node}
