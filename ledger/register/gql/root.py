"""GraphQL queries and mutations of the register: projects, people, contributions,
credit policy. Each mutation returns its success type or a typed error."""

from __future__ import annotations

import asyncpg
import strawberry

from ledger.graphql import Connection, Info, connection, int_key, parse_global_id, run_mutation
from ledger.journal.canonical import canonical_json
from ledger.kernel.errors import Forbidden, InvalidInput
from ledger.kernel.license_check import CheckedLicense
from ledger.kernel.paging import cursor_int, decode_cursor, make_page, page_size
from ledger.register import people, projects, queries
from ledger.register.contributions import record_contributions
from ledger.register.credit import parse_weights, set_policy
from ledger.register.gql.access import maintained_project
from ledger.register.gql.inputs import (
    AffiliationInput,
    AffiliationPayload,
    AffiliationResult,
    ContributionPayload,
    ContributionResult,
    CreateProjectInput,
    CreditPolicyPayload,
    CreditPolicyResult,
    DefineKindInput,
    IdentityPayload,
    IdentityResult,
    KindPayload,
    KindResult,
    LinkIdentityInput,
    ProjectPayload,
    ProjectResult,
    RecordContributionInput,
    SetCreditPolicyInput,
    UpdateProjectInput,
)
from ledger.register.gql.types import Contribution, Contributor, CreditPolicy, Identity, Project
from ledger.register.models import NewContribution, check_name, check_url, check_weight

MAX_METADATA_BYTES = 65_536
MAX_METADATA_DEPTH = 32


def _metadata(value: object) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput("metadata must be a JSON object", "metadata")
    if _depth(value) > MAX_METADATA_DEPTH:
        raise InvalidInput(f"metadata nests deeper than {MAX_METADATA_DEPTH}", "metadata")
    try:
        size = len(canonical_json(value))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"metadata is not valid JSON: {exc}", "metadata") from None
    if size > MAX_METADATA_BYTES:
        raise InvalidInput("metadata is larger than 64 KiB", "metadata")
    return value


def _depth(value: object) -> int:
    """Nesting depth of a JSON value, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_METADATA_DEPTH:
            return deepest
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, level + 1) for child in children)
    return deepest


@strawberry.type
class Query:
    @strawberry.field(description="A project by its slug.")
    async def project(self, info: Info, slug: str) -> Project | None:
        found = await projects.find_project(info.context.pool, slug)
        return Project(model=found) if found else None

    @strawberry.field(description="All projects, oldest first.")
    async def projects(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Project]:
        size = page_size(first)
        key = decode_cursor(after, 1)
        rows, total = await projects.list_projects(
            info.context.pool, cursor_int(key[0]) if key else None, size + 1
        )
        page = make_page(rows, size, total, lambda p: (p.id,))
        return connection(page, [Project(model=p) for p in page.items])

    @strawberry.field(description="A contributor by global id or number.")
    async def contributor(self, info: Info, id: strawberry.ID) -> Contributor | None:
        number = int_key(id) if id.isascii() and id.isdigit() else _contributor_number(id)
        found = await info.context.loaders.get(people.load_contributors).load(number)
        return Contributor.of(found) if found else None


def _contributor_number(value: str) -> int:
    kind, parts = parse_global_id(value)
    if kind != "Contributor" or len(parts) != 1:
        raise InvalidInput("not a contributor id", "id")
    return int_key(parts[0])


def _check_license(info: Info, expression: str) -> CheckedLicense:
    try:
        return info.context.check_license(expression)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, "outboundLicense") from None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a project (instance admins).")
    async def create_project(self, info: Info, input: CreateProjectInput) -> ProjectResult:
        async def work(conn: asyncpg.Connection) -> ProjectPayload:
            info.context.principal.require_admin()
            checked = None
            if input.outbound_license is not None:
                checked = _check_license(info, input.outbound_license)
            data = projects.ProjectInput(
                input.slug,
                input.name,
                input.description,
                input.homepage,
                tuple(input.repositories),
                checked.expression if checked else None,
                input.trademark_notice,
            )
            created = await projects.create_project(conn, data, info.context.principal.actor)
            warnings = list(checked.warnings) if checked else []
            return ProjectPayload(project=Project(model=created), warnings=warnings)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Change a project's descriptive fields (maintainers).")
    async def update_project(self, info: Info, input: UpdateProjectInput) -> ProjectResult:
        async def work(conn: asyncpg.Connection) -> ProjectPayload:
            project = await maintained_project(conn, info, input.slug)
            changes: dict[str, object] = {}
            if input.name is not None:
                changes["name"] = check_name(input.name)
            if input.description is not None:
                changes["description"] = input.description[:10_000]
            if input.homepage is not None:
                changes["homepage"] = check_url(input.homepage, "homepage")
            if input.repositories is not None:
                changes["repositories"] = list(projects.check_repositories(input.repositories))
            checked = None
            if input.outbound_license is not None:
                checked = _check_license(info, input.outbound_license)
                changes["outbound_license"] = checked.expression
            if input.trademark_notice is not None:
                changes["trademark_notice"] = input.trademark_notice
            updated = await projects.update_project(
                conn, project, changes, info.context.principal.actor
            )
            warnings = list(checked.warnings) if checked else []
            return ProjectPayload(project=Project(model=updated), warnings=warnings)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Record a contribution; replaying the key returns it.")
    async def record_contribution(
        self, info: Info, input: RecordContributionInput
    ) -> ContributionResult:
        async def work(conn: asyncpg.Connection) -> ContributionPayload:
            principal = info.context.principal
            if not principal.has(input.project, "maintainer"):
                principal.require(input.project, "member")
                if principal.contributor_id != input.contributor:
                    raise Forbidden("members record only their own contributions")
            project = await projects.get_project(conn, input.project)
            item = NewContribution(
                contributor_id=input.contributor,
                kind=input.kind,
                occurred_at=input.occurred_at,
                source=input.source,
                natural_key=f"manual:{input.idempotency_key}",
                evidence_url=input.evidence_url,
                metadata=_metadata(input.metadata),
            )
            (done,) = await record_contributions(conn, project.id, [item], principal.actor)
            return ContributionPayload(
                contribution=Contribution.of(done.contribution, project.slug),
                replayed=not done.created,
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Link a forge identity to a contributor (maintainers).")
    async def link_identity(self, info: Info, input: LinkIdentityInput) -> IdentityResult:
        async def work(conn: asyncpg.Connection) -> IdentityPayload:
            project = await maintained_project(conn, info, input.project)
            identity, created = await people.link_identity(
                conn,
                project.id,
                source=input.source,
                external_id=input.external_id,
                contributor_id=input.contributor,
                host=people.host_for(input.source, input.host),
                login=input.login,
                email=input.email,
                email_verified=input.email_verified,
                display_name=input.display_name,
                actor=info.context.principal.actor,
            )
            contributor = await people.get_contributor(conn, identity.contributor_id)
            return IdentityPayload(
                identity=Identity(model=identity),
                contributor=Contributor.of(contributor),
                created=created,
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Create the next credit policy version (maintainers).")
    async def set_credit_policy(
        self, info: Info, input: SetCreditPolicyInput
    ) -> CreditPolicyResult:
        async def work(conn: asyncpg.Connection) -> CreditPolicyPayload:
            project = await maintained_project(conn, info, input.project)
            if project.settings.get("credit_policy_by_vote"):
                raise Forbidden("this project changes its credit policy by vote only")
            kinds = await projects.project_kinds(conn, project.id)
            pairs = {w.kind: w.weight for w in input.weights}
            if len(pairs) != len(input.weights):
                raise InvalidInput("each kind may appear once", "weights")
            weights = parse_weights(pairs, kinds)
            default = check_weight(input.default_weight, "defaultWeight")
            policy = await set_policy(
                conn,
                project.id,
                weights,
                default,
                input.reason[:2000],
                info.context.principal.actor,
            )
            return CreditPolicyPayload(policy=CreditPolicy.of(policy))

        return await run_mutation(info, work)

    @strawberry.mutation(description="Define a project-specific contribution kind (maintainers).")
    async def define_kind(self, info: Info, input: DefineKindInput) -> KindResult:
        async def work(conn: asyncpg.Connection) -> KindPayload:
            project = await maintained_project(conn, info, input.project)
            await projects.define_kind(
                conn, project, input.kind, input.description[:2000], info.context.principal.actor
            )
            return KindPayload(kind=input.kind)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Affiliate a contributor with an organisation (admins).")
    async def add_affiliation(self, info: Info, input: AffiliationInput) -> AffiliationResult:
        async def work(conn: asyncpg.Connection) -> AffiliationPayload:
            info.context.principal.require_admin()
            org = await people.ensure_organisation(conn, input.organisation)
            affiliation = await people.add_affiliation(
                conn, input.contributor, org.id, input.valid_from, input.valid_to
            )
            return AffiliationPayload(affiliation_id=affiliation)

        return await run_mutation(info, work)


async def _project_node(info: Info, parts: list[str]) -> Project | None:
    (found,) = await projects.load_projects(info.context.pool, [int_key(parts[0])])
    return Project(model=found) if found else None


async def _contributor_node(info: Info, parts: list[str]) -> Contributor | None:
    found = await info.context.loaders.get(people.load_contributors).load(int_key(parts[0]))
    return Contributor.of(found) if found else None


async def _contribution_node(info: Info, parts: list[str]) -> Contribution | None:
    if len(parts) != 2:
        return None
    key = (int_key(parts[0]), int_key(parts[1]))
    (found,) = await queries.load_contributions(info.context.pool, [key])
    if found is None:
        return None
    (project,) = await projects.load_projects(info.context.pool, [found.project_id])
    assert project is not None
    return Contribution.of(found, project.slug)


NODES = {
    "Project": _project_node,
    "Contributor": _contributor_node,
    "Contribution": _contribution_node,
}
