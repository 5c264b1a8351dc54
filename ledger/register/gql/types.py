"""GraphQL output types of the register and the journal."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from ledger.graphql import Connection, Info, Node, as_json, connection, global_id, selects
from ledger.journal.gql import Journal
from ledger.kernel.paging import page_size
from ledger.register import people, queries
from ledger.register.credit import CreditPolicy as CreditPolicyModel
from ledger.register.credit import current_policy, explain, policies
from ledger.register.models import STANDARD_KINDS
from ledger.register.models import Contribution as ContributionModel
from ledger.register.models import Contributor as ContributorModel
from ledger.register.models import Identity as IdentityModel
from ledger.register.models import Project as ProjectModel
from ledger.register.projects import project_kinds

if TYPE_CHECKING:
    from ledger.treasury.gql.root import Treasury


def redact_emails(value: Any) -> Any:
    """``value`` with every ``email`` member blanked (emails are private)."""
    if isinstance(value, dict):
        return {k: None if k == "email" else redact_emails(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_emails(v) for v in value]
    return value


@strawberry.type(description="A forge account or other source of a contributor's work.")
class Identity:
    source: str
    host: str = strawberry.field(
        description="The forge server the account lives on (empty for commit emails, "
        "wikis and record files): accounts are keyed by server and id."
    )
    external_id: str
    login: str | None
    display_name: str | None
    email_verified: bool
    _email: strawberry.Private[str | None]
    _visible: strawberry.Private[bool]

    @strawberry.field(
        description="Private: shown to maintainers of the project it was reached through."
    )
    def email(self) -> str | None:
        return self._email if self._visible else None

    @classmethod
    def of(cls, m: IdentityModel, visible: bool) -> Identity:
        return cls(
            source=m.source,
            host=m.host,
            external_id=m.external_id,
            login=m.login,
            display_name=m.display_name,
            email_verified=m.email_verified,
            _email=m.email,
            _visible=visible,
        )


@strawberry.type(description="A person (or bot) whose identities are merged across forges.")
class Contributor(Node):
    db_id: strawberry.Private[int]
    display_name: str
    is_bot: bool
    _via: strawberry.Private[str | None]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Contributor", self.db_id)

    @strawberry.field(description="Database id, as used in inputs.")
    def number(self) -> int:
        return self.db_id

    @strawberry.field
    async def identities(self, info: Info) -> list[Identity]:
        found = await info.context.loaders.get(people.load_identities).load(self.db_id)
        p = info.context.principal
        visible = p.admin or (self._via is not None and p.has(self._via, "maintainer"))
        return [Identity.of(i, visible) for i in found]

    @classmethod
    def of(cls, m: ContributorModel, via: str | None = None) -> Contributor:
        return cls(db_id=m.id, display_name=m.display_name, is_bot=m.is_bot, _via=via)


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
        description="Source facts (commit, trailers...); emails only for the project's maintainers."
    )
    def metadata(self, info: Info) -> JSON:
        p = info.context.principal
        if p.admin or p.has(self.project_slug, "maintainer"):
            return as_json(self._metadata)
        return as_json(redact_emails(self._metadata))

    @strawberry.field(description="Why this credit: weight x count under the policy version.")
    def credit_explanation(self) -> str:
        return explain(1, self.kind, self.credit, self.policy_version)

    @strawberry.field
    async def contributor(self, info: Info) -> Contributor:
        found = await info.context.loaders.get(people.load_contributors).load(self.contributor_id)
        assert found is not None
        return Contributor.of(found, self.project_slug)

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
        return Contributor.of(found, self.project_slug)


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


@strawberry.input(description="Narrow a project's contributions.")
class ContributionFilter:
    kind: str | None = None
    contributor: int | None = strawberry.field(default=None, description="Contributor number.")
    since: datetime | None = None
    until: datetime | None = None


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

    @strawberry.field(description="Contributions, newest first.")
    async def contributions(
        self,
        info: Info,
        filter: ContributionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Contribution]:
        f = filter or ContributionFilter()
        where = queries.ContributionFilter(f.kind, f.contributor, f.since, f.until)
        page = await queries.contributions_page(
            info.context.pool,
            self.model.id,
            where,
            page_size(first),
            after,
            count=selects(info, "totalCount"),
        )
        return connection(page, [Contribution.of(c, self.model.slug) for c in page.items])

    @strawberry.field(description="Contributors ranked by credit, with their totals.")
    async def contributors(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ContributorStanding]:
        page = await queries.contributors_page(
            info.context.pool, self.model.id, page_size(first), after
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

    @strawberry.field(description="Sponsor funding: books, policy and integrity checks.")
    def treasury(self) -> Annotated[Treasury, strawberry.lazy("ledger.treasury.gql.root")]:
        from ledger.treasury.gql.root import Treasury

        return Treasury(project_id=self.model.id)
