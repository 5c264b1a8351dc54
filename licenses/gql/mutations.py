"""GraphQL mutations of the license register. Each checks the caller's role, hands its
input to the register's use case in one transaction that journals the change, and
answers with its payload or a typed error."""

from __future__ import annotations

import asyncpg
import strawberry

from ledger.graphql import Info, run_mutation
from ledger.kernel.errors import Forbidden
from ledger.kernel.idempotency import check_key
from ledger.register import people, projects
from ledger.register.gql.access import maintained_project
from ledger.register.models import check_kind
from licenses import agreements, coverage, service, trademarks
from licenses import grants as grant_store
from licenses.gql.inputs import (
    AddLicenseTextInput,
    AgreementPayload,
    AgreementResult,
    CoverageRequirementPayload,
    CoverageRequirementResult,
    GrantPayload,
    GrantResult,
    LicenseTextPayload,
    LicenseTextResult,
    PublishAgreementInput,
    RecordGrantInput,
    SetCoverageRequirementInput,
    SetTrademarkNoticeInput,
    TrademarkNoticePayload,
    TrademarkResult,
    WithdrawGrantInput,
)
from licenses.gql.types import AgreementText, Grant, LicenseText, TrademarkNotice
from licenses.models import Authorisation, NewGrant, default_rights


def _authorise(info: Info, project: str, input: RecordGrantInput) -> None:
    principal = info.context.principal
    if principal.has(project, "maintainer"):
        return
    if principal.anonymous:
        raise Forbidden("authentication required")
    own = (
        principal.contributor_id is not None
        and principal.contributor_id == input.grantor_contributor
    )
    if input.instrument.value != "icla" or not own:
        raise Forbidden("maintainers record grants; contributors may sign an ICLA for themselves")


async def _new_grant(info: Info, conn: asyncpg.Connection, input: RecordGrantInput) -> NewGrant:
    """The grant the input asks for; a contributor signing for themselves is recorded
    as signed by their authenticated token."""
    instrument = input.instrument.value
    organisation = None
    if input.grantor_organisation is not None:
        organisation = (await people.get_organisation(conn, input.grantor_organisation)).id
    self_signed = not info.context.principal.has(input.project, "maintainer")
    actor = info.context.principal.actor
    return NewGrant(
        natural_key=f"grant:{check_key(input.idempotency_key)}",
        instrument=instrument,
        grantee=input.grantee.value,
        license_expression=input.license_expression,
        rights=(
            default_rights(instrument)
            if input.rights is None
            else tuple(r.value for r in input.rights)
        ),
        patent_grant=input.patent_grant,
        irrevocable=input.irrevocable,
        royalty_free=input.royalty_free,
        effective_at=input.effective_at or agreements.now(),
        grantor_contributor_id=input.grantor_contributor,
        grantor_organisation_id=organisation,
        agreement_version=input.agreement_version,
        scope_from=input.scope_from,
        contribution_ids=tuple(input.contributions),
        authorisations=tuple(
            Authorisation(a.kind.value, a.contributor, a.email_domain) for a in input.authorisations
        ),
        commit_sha=input.commit,
        signature_method="authenticated token" if self_signed else input.signature_method,
        delivery_id=input.delivery_id,
        evidence={"signed_by": actor} if self_signed else {},
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record a license grant (maintainers; a contributor may sign an ICLA "
        "for themselves). Replaying the key returns the first grant."
    )
    async def record_grant(self, info: Info, input: RecordGrantInput) -> GrantResult:
        async def work(conn: asyncpg.Connection) -> GrantPayload:
            _authorise(info, input.project, input)
            project = await projects.get_project(conn, input.project)
            grant = await _new_grant(info, conn, input)
            stored, created = await service.record_grant(
                conn, project, grant, info.context.principal.actor
            )
            return GrantPayload(
                grant=Grant(model=stored, project_slug=project.slug), replayed=not created
            )

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Withdraw a grant from now (or a later instant): work made before stays "
        "covered. Maintainers, or the contributor who granted it."
    )
    async def withdraw_grant(self, info: Info, input: WithdrawGrantInput) -> GrantResult:
        async def work(conn: asyncpg.Connection) -> GrantPayload:
            principal = info.context.principal
            if principal.anonymous:
                raise Forbidden("authentication required")
            project = await projects.get_project(conn, input.project)
            grant = await grant_store.get_grant(conn, project.id, input.grant)
            own = grant.grantor_contributor_id is not None and (
                principal.contributor_id == grant.grantor_contributor_id
            )
            if not own:
                principal.require(input.project, "maintainer")
            withdrawn = await service.withdraw_grant(
                conn, project.id, input.grant, input.at, input.reason, principal.actor
            )
            return GrantPayload(
                grant=Grant(model=withdrawn, project_slug=project.slug), replayed=False
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Publish the next version of an agreement text (maintainers).")
    async def publish_agreement(self, info: Info, input: PublishAgreementInput) -> AgreementResult:
        async def work(conn: asyncpg.Connection) -> AgreementPayload:
            project = await maintained_project(conn, info, input.project)
            text = await agreements.publish_agreement(
                conn,
                project.id,
                input.instrument.value,
                input.title,
                input.text,
                input.effective_from,
                info.context.principal.actor,
            )
            return AgreementPayload(agreement=AgreementText.of(text))

        return await run_mutation(info, work)

    @strawberry.mutation(description="Store the text of a LicenseRef- license (maintainers).")
    async def add_license_text(self, info: Info, input: AddLicenseTextInput) -> LicenseTextResult:
        async def work(conn: asyncpg.Connection) -> LicenseTextPayload:
            project = await maintained_project(conn, info, input.project)
            text = await agreements.add_license_text(
                conn,
                project.id,
                input.license_ref,
                input.name,
                input.text,
                info.context.principal.actor,
            )
            return LicenseTextPayload(license_text=LicenseText.of(text))

        return await run_mutation(info, work)

    @strawberry.mutation(description="Which kinds must be covered by a grant (maintainers).")
    async def set_coverage_requirement(
        self, info: Info, input: SetCoverageRequirementInput
    ) -> CoverageRequirementResult:
        async def work(conn: asyncpg.Connection) -> CoverageRequirementPayload:
            project = await maintained_project(conn, info, input.project)
            known = await projects.project_kinds(conn, project.id)
            kinds = sorted({check_kind(k, known) for k in input.kinds})
            await projects.update_settings(
                conn, project, coverage.REQUIRED_SETTING, kinds, info.context.principal.actor
            )
            return CoverageRequirementPayload(required_kinds=kinds)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Record who owns a mark and its policy (maintainers).")
    async def set_trademark_notice(
        self, info: Info, input: SetTrademarkNoticeInput
    ) -> TrademarkResult:
        async def work(conn: asyncpg.Connection) -> TrademarkNoticePayload:
            project = await maintained_project(conn, info, input.project)
            notice = await trademarks.set_notice(
                conn,
                project.id,
                input.mark,
                input.owner,
                input.notice,
                input.policy_url,
                info.context.principal.actor,
            )
            return TrademarkNoticePayload(notice=TrademarkNotice.of(notice))

        return await run_mutation(info, work)
