"""GraphQL output types of the license register: grants, agreement and license texts,
trademark notices and coverage (compatibility: ``licenses.gql.compat_types``)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from ledger.graphql import Info, Node, global_id
from ledger.register import people
from ledger.register.gql.types import Contribution, Contributor
from licenses import grants as grant_store
from licenses.gql.enums import (
    AgreementInstrument,
    Grantee,
    GrantInstrument,
    GrantRight,
    GrantScope,
    GrantStatus,
)
from licenses.models import AgreementText as AgreementModel
from licenses.models import Grant as GrantModel
from licenses.models import LicenseText as LicenseTextModel
from licenses.models import TrademarkNotice as TrademarkModel


@strawberry.type(
    description="A non-exclusive license grant: the grantor keeps ownership, and no "
    "trademark right is implied."
)
class Grant(Node):
    model: strawberry.Private[GrantModel]
    project_slug: strawberry.Private[str]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Grant", self.model.project_id, self.model.id)

    @strawberry.field(description="Grant number within the project, as used in inputs.")
    def number(self) -> int:
        return self.model.id

    @strawberry.field
    def instrument(self) -> GrantInstrument:
        return GrantInstrument(self.model.instrument)

    @strawberry.field
    def grantee(self) -> Grantee:
        return Grantee(self.model.grantee)

    @strawberry.field(description="The contributor who granted, when a person did.")
    async def grantor(self, info: Info) -> Contributor | None:
        if self.model.grantor_contributor_id is None:
            return None
        loader = info.context.loaders.get(people.load_contributors)
        found = await loader.load(self.model.grantor_contributor_id)
        return Contributor.of(found) if found else None

    @strawberry.field(description="The organisation on whose behalf the grant was made.")
    async def grantor_organisation(self, info: Info) -> str | None:
        if self.model.grantor_organisation_id is None:
            return None
        loader = info.context.loaders.get(people.load_organisation_names)
        return await loader.load(self.model.grantor_organisation_id)

    @strawberry.field
    def agreement_version(self) -> int | None:
        return self.model.agreement_version

    @strawberry.field(description="SHA-256 (hex) of the agreement text accepted.")
    def text_sha256(self) -> str | None:
        return self.model.text_sha256.hex() if self.model.text_sha256 else None

    @strawberry.field(description="SPDX expression; null for a DCO 'as indicated in the file'.")
    def license_expression(self) -> str | None:
        return self.model.license_expression

    @strawberry.field
    def rights(self) -> list[GrantRight]:
        return [GrantRight(r) for r in self.model.rights]

    @strawberry.field
    def patent_grant(self) -> bool:
        return self.model.patent_grant

    @strawberry.field
    def irrevocable(self) -> bool:
        return self.model.irrevocable

    @strawberry.field
    def royalty_free(self) -> bool:
        return self.model.royalty_free

    @strawberry.field(description="Always false: enforced by the database.")
    def exclusive(self) -> bool:
        return self.model.exclusive

    @strawberry.field(description="Always true: enforced by the database.")
    def ownership_retained(self) -> bool:
        return self.model.ownership_retained

    @strawberry.field(description="Always true: enforced by the database.")
    def trademark_excluded(self) -> bool:
        return self.model.trademark_excluded

    @strawberry.field(description="What the grant covers.")
    def scope(self) -> GrantScope:
        return GrantScope(self.model.scope)

    @strawberry.field
    def scope_from(self) -> datetime | None:
        return self.model.scope_from

    @strawberry.field(description="Contributions a listed-scope grant covers.")
    async def contributions(self, info: Info) -> list[int]:
        loader = info.context.loaders.get(grant_store.load_grant_contributions)
        return await loader.load((self.model.project_id, self.model.id))

    @strawberry.field(description="Evidence: the commit whose sign-off made this grant.")
    def commit(self) -> str | None:
        return self.model.commit_sha

    @strawberry.field
    def signature_method(self) -> str | None:
        return self.model.signature_method

    @strawberry.field
    def effective_at(self) -> datetime:
        return self.model.effective_at

    @strawberry.field
    def withdrawn_at(self) -> datetime | None:
        return self.model.withdrawn_at

    @strawberry.field
    def withdrawal_reason(self) -> str | None:
        return self.model.withdrawal_reason

    @strawberry.field(
        description="Work made from this instant on is not covered (withdrawal, or a newer "
        "agreement version); null when open."
    )
    def covers_until(self) -> datetime | None:
        return self.model.covers_until

    @strawberry.field
    def recorded_at(self) -> datetime:
        return self.model.recorded_at


@strawberry.type(description="A version of an agreement text, pinned by its SHA-256.")
class AgreementText:
    instrument: AgreementInstrument
    version: int
    title: str
    text: str
    sha256: str
    effective_from: datetime
    published_by: str

    @classmethod
    def of(cls, m: AgreementModel) -> AgreementText:
        return cls(
            instrument=AgreementInstrument(m.instrument),
            version=m.version,
            title=m.title,
            text=m.text,
            sha256=m.sha256.hex(),
            effective_from=m.effective_from,
            published_by=m.published_by,
        )


@strawberry.type(description="The text of a project's own LicenseRef- license.")
class LicenseText:
    license_ref: str
    name: str
    text: str
    sha256: str

    @classmethod
    def of(cls, m: LicenseTextModel) -> LicenseText:
        return cls(license_ref=m.license_ref, name=m.name, text=m.text, sha256=m.sha256.hex())


@strawberry.type(description="Who owns a mark; separate from copyright and never granted.")
class TrademarkNotice:
    mark: str
    owner: str
    notice: str
    policy_url: str | None
    updated_at: datetime

    @classmethod
    def of(cls, m: TrademarkModel) -> TrademarkNotice:
        return cls(
            mark=m.mark,
            owner=m.owner,
            notice=m.notice,
            policy_url=m.policy_url,
            updated_at=m.updated_at,
        )


@strawberry.type(description="Counted contributions of a kind (and period) and their coverage.")
class CoverageRow:
    kind: str
    period: date | None
    total: int
    covered: int
    uncovered: int
    percentage: float
    required: bool = strawberry.field(description="The project requires coverage for this kind.")


@strawberry.type
class CoverageReport:
    total: int
    covered: int
    uncovered: int
    percentage: float
    required_kinds: list[str]
    flagged: int = strawberry.field(
        description="Uncovered contributions of required kinds: not counted as commons."
    )
    rows: list[CoverageRow]


@strawberry.type(description="A contribution no grant covers.")
class UncoveredContribution:
    contribution: Contribution
    flagged: bool = strawberry.field(description="Its kind requires coverage.")


def grant_status(covered: int, total: int) -> GrantStatus:
    """Covered when every contribution is, partial when some are."""
    if covered == total:
        return GrantStatus.COVERED
    return GrantStatus.PARTIAL if covered else GrantStatus.UNCOVERED


@strawberry.type(description="A contributor's coverage and the grants that give it.")
class ContributorGrantStatus:
    contributor_id: strawberry.Private[int]
    project_id: strawberry.Private[int]
    project_slug: strawberry.Private[str]
    grant_ids: strawberry.Private[list[int]]
    contributions: int
    covered: int
    uncovered: int
    status: GrantStatus

    @strawberry.field
    async def contributor(self, info: Info) -> Contributor | None:
        found = await info.context.loaders.get(people.load_contributors).load(self.contributor_id)
        return Contributor.of(found) if found else None

    @strawberry.field(description="The grants covering this contributor's work.")
    async def grants(self, info: Info) -> list[Grant]:
        loader = info.context.loaders.get(grant_store.load_grants)
        found = await loader.load_many([(self.project_id, g) for g in self.grant_ids])
        return [Grant(model=g, project_slug=self.project_slug) for g in found if g]
