"""GraphQL mutations of the license register. Each validates its input, checks the
caller's role, runs in one transaction that journals the change, and answers with
its payload or a typed error."""

from __future__ import annotations

import asyncpg
import strawberry

from ledger.graphql import Info, run_mutation
from ledger.kernel.errors import Forbidden, InvalidInput, NotFound
from ledger.kernel.idempotency import check_key
from ledger.register import projects
from ledger.register.gql.access import maintained_project
from ledger.register.models import Project as ProjectModel
from ledger.register.models import check_kind
from licenses import agreements, coverage, trademarks
from licenses import grants as grant_store
from licenses.dco import DCO_RIGHTS
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
from licenses.models import (
    RIGHTS,
    Authorisation,
    NewGrant,
    check_authorisation,
    check_commit,
    check_rights,
)

MAX_LISTED = 1000
MAX_AUTHORISATIONS = 100


async def _organisation(conn: asyncpg.Connection, name: str | None) -> int | None:
    if name is None:
        return None
    found = await conn.fetchval("SELECT id FROM organisations WHERE name = $1", name)
    if found is None:
        raise NotFound(f"no organisation named {name!r}")
    return int(found)


def _shape(input: RecordGrantInput, instrument: str) -> None:
    """Checks on the input's shape that need no database."""
    if input.scope_from is not None and input.scope_from.tzinfo is None:
        raise InvalidInput("scopeFrom needs a time zone", "scopeFrom")
    if (input.scope_from is None) == (not input.contributions):
        raise InvalidInput("give either contributions or scopeFrom", "scopeFrom")
    if len(input.contributions) > MAX_LISTED or len(set(input.contributions)) != len(
        input.contributions
    ):
        raise InvalidInput(f"at most {MAX_LISTED} distinct contributions", "contributions")
    if len(input.authorisations) > MAX_AUTHORISATIONS:
        raise InvalidInput(f"at most {MAX_AUTHORISATIONS} authorisations", "authorisations")
    if instrument == "ccla":
        if input.grantor_organisation is None or input.grantor_contributor is not None:
            raise InvalidInput(
                "a corporate CLA is granted by an organisation", "grantorOrganisation"
            )
        if input.scope_from is not None and not input.authorisations:
            raise InvalidInput("a corporate CLA authorises someone", "authorisations")
    elif input.authorisations:
        raise InvalidInput("only a corporate CLA authorises contributors", "authorisations")
    if (input.grantor_contributor is None) == (input.grantor_organisation is None):
        raise InvalidInput(
            "name one grantor: a contributor or an organisation", "grantorContributor"
        )
    if instrument in ("dco", "icla", "inbound_outbound") and input.grantor_contributor is None:
        raise InvalidInput(f"a {instrument} grant is made by a contributor", "grantorContributor")
    for name in ("signature_method", "delivery_id"):
        value = getattr(input, name)
        if value is not None and not 1 <= len(value) <= 100:
            raise InvalidInput(f"{name} must be 1 to 100 characters", name)
    if instrument == "explicit" and input.agreement_version is not None:
        raise InvalidInput("an explicit grant accepts no agreement text", "agreementVersion")
    if input.effective_at is not None and input.effective_at.tzinfo is None:
        raise InvalidInput("effectiveAt needs a time zone", "effectiveAt")


def _authorise(info: Info, project: str, input: RecordGrantInput, instrument: str) -> None:
    principal = info.context.principal
    if principal.has(project, "maintainer"):
        return
    if principal.anonymous:
        raise Forbidden("authentication required")
    own = (
        principal.contributor_id is not None
        and principal.contributor_id == input.grantor_contributor
    )
    if instrument != "icla" or not own:
        raise Forbidden("maintainers record grants; contributors may sign an ICLA for themselves")


async def _license(
    conn: asyncpg.Connection, project: ProjectModel, input: RecordGrantInput, instrument: str
) -> str | None:
    outbound = project.outbound_license
    if instrument in ("inbound_outbound", "dco"):
        if outbound is None and instrument == "inbound_outbound":
            raise InvalidInput("the project declares no outbound license", "licenseExpression")
        if input.license_expression is not None:
            given = await agreements.check_license(conn, project.id, input.license_expression)
            if given != outbound:
                raise InvalidInput(
                    f"an {instrument} grant is under the project's license {outbound}",
                    "licenseExpression",
                )
        return outbound
    if input.license_expression is None:
        raise InvalidInput("name the license granted", "licenseExpression")
    return await agreements.check_license(conn, project.id, input.license_expression)


def _rights(input: RecordGrantInput, instrument: str) -> tuple[str, ...]:
    if input.rights is not None:
        return check_rights([r.value for r in input.rights])
    return DCO_RIGHTS if instrument == "dco" else RIGHTS


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record a license grant (maintainers; a contributor may sign an ICLA "
        "for themselves). Replaying the key returns the first grant."
    )
    async def record_grant(self, info: Info, input: RecordGrantInput) -> GrantResult:
        async def work(conn: asyncpg.Connection) -> GrantPayload:
            instrument = input.instrument.value
            _authorise(info, input.project, input, instrument)
            _shape(input, instrument)
            key = check_key(input.idempotency_key)
            project = await projects.get_project(conn, input.project)
            expression = await _license(conn, project, input, instrument)
            version, sha = None, None
            if instrument != "explicit":
                if instrument == "dco":
                    await agreements.ensure_dco(conn, project.id, info.context.principal.actor)
                text = await agreements.agreement_version(
                    conn, project.id, instrument, input.agreement_version
                )
                version, sha = text.version, text.sha256
            self_signed = not info.context.principal.has(input.project, "maintainer")
            now = agreements.now()
            grant = NewGrant(
                natural_key=f"grant:{key}",
                instrument=instrument,
                grantee=input.grantee.value,
                license_expression=expression,
                rights=_rights(input, instrument),
                patent_grant=input.patent_grant,
                irrevocable=input.irrevocable,
                royalty_free=input.royalty_free,
                effective_at=input.effective_at or now,
                grantor_contributor_id=input.grantor_contributor,
                grantor_organisation_id=await _organisation(conn, input.grantor_organisation),
                agreement_version=version,
                scope_from=input.scope_from,
                contribution_ids=tuple(input.contributions),
                authorisations=tuple(
                    check_authorisation(Authorisation(a.kind.value, a.contributor, a.email_domain))
                    for a in input.authorisations
                ),
                commit_sha=check_commit(input.commit),
                signature_method=("authenticated token" if self_signed else input.signature_method),
                delivery_id=input.delivery_id,
                evidence={"signed_by": info.context.principal.actor} if self_signed else {},
            )
            stored, created = await grant_store.record_grant(
                conn, project.id, grant, sha, info.context.principal.actor
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
            if input.at is not None and input.at.tzinfo is None:
                raise InvalidInput("at needs a time zone", "at")
            if len(input.reason) > 2000:
                raise InvalidInput("reason is at most 2000 characters", "reason")
            now = await conn.fetchval("SELECT now()")
            withdrawn = await grant_store.withdraw_grant(
                conn, project.id, input.grant, input.at or now, input.reason, now, principal.actor
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
