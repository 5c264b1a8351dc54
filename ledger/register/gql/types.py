"""GraphQL output types of the register and the journal."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from ledger.graphql import Connection, Info, Node, as_json, connection, global_id, selects
from ledger.journal.gql import Journal
from ledger.kernel.paging import slice_of
from ledger.register import people, queries, sightings
from ledger.register.credit import CreditPolicy as CreditPolicyModel
from ledger.register.credit import current_policy, explain, policies
from ledger.register.gql.lists import ContributionFilter, ContributionOrder, ContributorOrder
from ledger.register.models import STANDARD_KINDS
from ledger.register.models import Contribution as ContributionModel
from ledger.register.models import Contributor as ContributorModel
from ledger.register.models import Identity as IdentityModel
from ledger.register.models import Project as ProjectModel
from ledger.register.projects import project_kinds


@strawberry.type(description="A forge account or other source of a contributor's work.")
class Identity:
    model: strawberry.Private[IdentityModel]

    @strawberry.field(description="The source: a forge, or git for a commit email alone.")
    def source(self) -> str:
        return self.model.source

    @strawberry.field(
        description="The forge server the account lives on (empty for commit emails, "
        "wikis and record files): accounts are keyed by server and id."
    )
    def host(self) -> str:
        return self.model.host

    @strawberry.field(
        description="The forge's account id; for git, the keyed pseudonym of the email."
    )
    def external_id(self) -> str:
        return self.model.external_id

    @strawberry.field
    def login(self) -> str | None:
        return self.model.login

    @strawberry.field
    def display_name(self) -> str | None:
        return self.model.display_name

    @strawberry.field
    def email_verified(self) -> bool:
        return self.model.email_verified

    @strawberry.field(
        description="Private: shown to the contributor themself, instance admins and the "
        "maintainers of a project whose own contributions or links brought this identity in."
    )
    async def email(self, info: Info) -> str | None:
        if self.model.email is None:
            return None
        loader = info.context.loaders.get(sightings.load_knowing_projects)
        knowing = await loader.load(self.model.id)
        visible = sightings.may_see_email(info.context.principal, self.model, knowing)
        return self.model.email if visible else None


@strawberry.type(description="A person (or bot) whose identities are merged across forges.")
class Contributor(Node):
    db_id: strawberry.Private[int]
    display_name: str
    is_bot: bool
    erased_at: datetime | None = strawberry.field(
        description="When the contributor's personal data was erased at their request."
    )

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Contributor", self.db_id)

    @strawberry.field(description="Database id, as used in inputs.")
    def number(self) -> int:
        return self.db_id

    @strawberry.field
    async def identities(self, info: Info) -> list[Identity]:
        found = await info.context.loaders.get(people.load_identities).load(self.db_id)
        return [Identity(model=i) for i in found]

    @classmethod
    def of(cls, m: ContributorModel) -> Contributor:
        return cls(db_id=m.id, display_name=m.display_name, is_bot=m.is_bot, erased_at=m.erased_at)


@strawberry.type(description="One recorded contribution and the credit it earned.")
class Contribution(Node):
    project_id: strawberry.Private[int]
    db_id: strawberry.Private[int]
    contributor_id: strawberry.Private[int]
    project_slug: strawberry.Private[str]
    kind: str
    occurred_at: datetime
    source: str
    natural_key: str
    evidence_url: str | None
    _metadata: strawberry.Private[dict[str, Any]]
    credit: Decimal
    policy_version: int
    counted: bool = strawberry.field(description="False for bots: no credit, not in metrics.")
    recorded_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Contribution", self.project_id, self.db_id)

    @strawberry.field(
        description="Source facts (commit, co-authors and sign-offs by contributor number...); "
        "public, and never holds personal data."
    )
    def metadata(self) -> JSON:
        return as_json(self._metadata)

    @strawberry.field(description="Why this credit: weight x count under the policy version.")
    def credit_explanation(self) -> str:
        return explain(1, self.kind, self.credit, self.policy_version)

    @strawberry.field
    async def contributor(self, info: Info) -> Contributor:
        found = await info.context.loaders.get(people.load_contributors).load(self.contributor_id)
        assert found is not None
        return Contributor.of(found)

    @classmethod
    def of(cls, m: ContributionModel, slug: str) -> Contribution:
        return cls(
            project_id=m.project_id,
            db_id=m.id,
            contributor_id=m.contributor_id,
            project_slug=slug,
            kind=m.kind,
            occurred_at=m.occurred_at,
            source=m.source,
            natural_key=m.natural_key,
            evidence_url=m.evidence_url,
            _metadata=m.metadata,
            credit=m.credit,
            policy_version=m.policy_version,
            counted=m.counted,
            recorded_at=m.recorded_at,
        )


@strawberry.type
class KindWeight:
    kind: str
    weight: Decimal


@strawberry.type(description="A version of the project's credit policy (weights per kind).")
class CreditPolicy:
    version: int
    weights: list[KindWeight]
    default_weight: Decimal
    reason: str
    actor: str
    created_at: datetime

    @classmethod
    def of(cls, m: CreditPolicyModel) -> CreditPolicy:
        weights = [KindWeight(kind=k, weight=w) for k, w in sorted(m.weights.items())]
        return cls(
            version=m.version,
            weights=weights,
            default_weight=m.default_weight,
            reason=m.reason,
            actor=m.actor,
            created_at=m.created_at,
        )


@strawberry.type(description="A contributor's standing in a project, from the rollups.")
class ContributorStanding:
    contributor_id: strawberry.Private[int]
    project_slug: strawberry.Private[str]
    contributions: int
    credit: Decimal
    first_at: datetime
    last_at: datetime

    @strawberry.field
    async def contributor(self, info: Info) -> Contributor:
        found = await info.context.loaders.get(people.load_contributors).load(self.contributor_id)
        assert found is not None
        return Contributor.of(found)


@strawberry.type
class ProjectTotals:
    contributions: int
    credit: Decimal
    contributors: int
    first_at: datetime | None
    last_at: datetime | None


@strawberry.type
class KindTotal:
    kind: str
    contributions: int
    credit: Decimal


@strawberry.type(description="An open project recorded in the commons ledger.")
class Project(Node):
    model: strawberry.Private[ProjectModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Project", self.model.id)

    @strawberry.field
    def slug(self) -> str:
        return self.model.slug

    @strawberry.field
    def name(self) -> str:
        return self.model.name

    @strawberry.field
    def description(self) -> str:
        return self.model.description

    @strawberry.field
    def homepage(self) -> str | None:
        return self.model.homepage

    @strawberry.field
    def repositories(self) -> list[str]:
        return self.model.repositories

    @strawberry.field(description="Outbound license as a normalised SPDX expression.")
    def outbound_license(self) -> str | None:
        return self.model.outbound_license

    @strawberry.field(description="Trademark notice, kept apart from copyright.")
    def trademark_notice(self) -> str | None:
        return self.model.trademark_notice

    @strawberry.field
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="Project policy switches (coverage, treasury, votes...).")
    def settings(self) -> JSON:
        return as_json(self.model.settings)

    @strawberry.field(description="Standard kinds plus the ones this project defined.")
    async def kinds(self, info: Info) -> list[str]:
        return sorted(STANDARD_KINDS | await project_kinds(info.context.pool, self.model.id))

    @strawberry.field(description="Counted contributions, credit and contributors.")
    async def totals(self, info: Info) -> ProjectTotals:
        t = await queries.project_totals(info.context.pool, self.model.id)
        return ProjectTotals(
            contributions=t.contributions,
            credit=t.credit,
            contributors=t.contributors,
            first_at=t.first_at,
            last_at=t.last_at,
        )

    @strawberry.field(description="Contributions and credit per kind, most frequent first.")
    async def contributions_by_kind(self, info: Info) -> list[KindTotal]:
        rows = await queries.totals_by_kind(info.context.pool, self.model.id)
        return [KindTotal(kind=k, contributions=n, credit=c) for k, n, c in rows]

    @strawberry.field(description="Contributions, newest first unless `orderBy` says otherwise.")
    async def contributions(
        self,
        info: Info,
        filter: ContributionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: ContributionOrder | None = None,
    ) -> Connection[Contribution]:
        where = (filter or ContributionFilter()).where()
        page = await queries.contributions_page(
            info.context.pool,
            self.model.id,
            where,
            slice_of(first, after, last, before, 2),
            count=selects(info, "totalCount"),
            newest_first=(order_by or ContributionOrder()).direction.descending,
        )
        return connection(page, [Contribution.of(c, self.model.slug) for c in page.items])

    @strawberry.field(
        description="Contributors ranked by credit (or `orderBy`), with their totals."
    )
    async def contributors(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: ContributorOrder | None = None,
        exclude_bots: Annotated[
            bool, strawberry.argument(description="Leave out contributors flagged as bots.")
        ] = False,
    ) -> Connection[ContributorStanding]:
        order = order_by or ContributorOrder()
        page = await queries.contributors_page(
            info.context.pool,
            self.model.id,
            slice_of(first, after, last, before, 2),
            order.field.value,
            order.direction.descending,
            exclude_bots,
        )
        nodes = [
            ContributorStanding(
                contributor_id=t.contributor_id,
                project_slug=self.model.slug,
                contributions=t.contributions,
                credit=t.credit,
                first_at=t.first_at,
                last_at=t.last_at,
            )
            for t in page.items
        ]
        return connection(page, nodes)

    @strawberry.field(description="The credit policy in force for new contributions.")
    async def credit_policy(self, info: Info) -> CreditPolicy:
        return CreditPolicy.of(await current_policy(info.context.pool, self.model.id))

    @strawberry.field(description="Every version of the credit policy, oldest first.")
    async def credit_policies(self, info: Info) -> list[CreditPolicy]:
        return [CreditPolicy.of(p) for p in await policies(info.context.pool, self.model.id)]

    @strawberry.field
    def journal(self) -> Journal:
        return Journal(project_id=self.model.id)
