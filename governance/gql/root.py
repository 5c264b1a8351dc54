"""GraphQL queries, mutations and the live-tally subscription of votes.

Root fields take the project slug. Each mutation returns its payload or a typed
error; the voter is always the token's contributor, never an argument.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import asyncpg
import strawberry

from governance import conduct, live, service, store, voter_store, voters
from governance.electorate import check_rule
from governance.gql.inputs import (
    BallotPayload,
    BallotResult,
    CastBallotInput,
    CodeOfConduct,
    CreateProposalInput,
    DelegateInput,
    DelegationPayload,
    DelegationResult,
    GovernanceSettingsInput,
    GovernanceSettingsPayload,
    ProposalPayload,
    ProposalRefInput,
    ProposalResult,
    RevokeDelegationInput,
    RevokeDelegationPayload,
    RevokeResult,
    RoleResult,
    SettingsResult,
    SetVotingRoleInput,
    VotingRolePayload,
)
from governance.gql.types import Delegation, Proposal, ProposalState, Tally
from governance.models import check_draft
from ledger.graphql import Connection, Info, as_json, connection, int_key, run_mutation
from ledger.kernel.errors import InvalidInput
from ledger.kernel.paging import decode_cursor, make_page, page_size
from ledger.register import projects
from ledger.register.gql.access import maintained_project
from ledger.register.models import Project as ProjectModel


@strawberry.type
class GovernanceQuery:
    @strawberry.field(description="A project's proposals, newest first.")
    async def proposals(
        self,
        info: Info,
        project: str,
        state: ProposalState | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Proposal]:
        size = page_size(first)
        key = decode_cursor(after, 1)
        before = key[0] if key else None
        if before is not None and not isinstance(before, int):
            raise InvalidInput("malformed cursor", "after")
        found = await projects.get_project(info.context.pool, project)
        rows, total = await store.page(
            info.context.pool, found.id, state.value if state else None, before, size + 1
        )
        page = make_page(rows, size, total, lambda p: (p.id,))
        return connection(page, [Proposal(model=p, project=project) for p in page.items])

    @strawberry.field(description="One proposal by its number.")
    async def proposal(self, info: Info, project: str, number: int) -> Proposal | None:
        found = await projects.find_project(info.context.pool, project)
        if found is None:
            return None
        (model,) = await store.load(info.context.pool, [(found.id, number)])
        return Proposal(model=model, project=project) if model else None

    @strawberry.field(description="Standing delegations of a project (public).")
    async def delegations(self, info: Info, project: str) -> list[Delegation]:
        found = await projects.get_project(info.context.pool, project)
        standing = await voter_store.delegations(info.context.pool, found.id)
        return [
            Delegation(delegator=a, delegate=b, kind=None if scope == "*" else scope)
            for (a, scope), b in sorted(standing.items())
        ]


async def _member_project(conn: asyncpg.Connection, info: Info, slug: str) -> ProjectModel:
    info.context.principal.require(slug, "member")
    return await projects.get_project(conn, slug)


def _number(value: int) -> int:
    if value <= 0:
        raise InvalidInput("a proposal number is positive", "number")
    return value


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(description="Draft a proposal (project members).")
    async def create_proposal(self, info: Info, input: CreateProposalInput) -> ProposalResult:
        async def work(conn: asyncpg.Connection) -> ProposalPayload:
            project = await _member_project(conn, info, input.project)
            e = input.electorate
            rule = check_rule(e.min_credit, e.months, e.maintainers, e.members, e.contributors)
            if input.action is not None and not isinstance(input.action, dict):
                raise InvalidInput("action is a JSON object", "action")
            draft = check_draft(
                input.title,
                input.body,
                input.kind,
                input.options,
                input.method,
                input.params,
                rule,
                input.quorum,
                input.action or {},
            )
            made, created = await service.create(
                conn,
                project,
                draft,
                input.closes_at,
                info.context.principal.actor,
                key=input.idempotency_key,
            )
            return ProposalPayload(
                proposal=Proposal(model=made, project=project.slug), replayed=not created
            )

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Open a draft: snapshot and publish its electorate (maintainers)."
    )
    async def open_proposal(self, info: Info, input: ProposalRefInput) -> ProposalResult:
        async def work(conn: asyncpg.Connection) -> ProposalPayload:
            project = await maintained_project(conn, info, input.project)
            opened = await service.open_(
                conn, project.id, _number(input.number), info.context.principal.actor
            )
            return ProposalPayload(proposal=Proposal(model=opened, project=project.slug))

        return await run_mutation(info, work)

    @strawberry.mutation(description="Withdraw a draft or open proposal (maintainers).")
    async def withdraw_proposal(self, info: Info, input: ProposalRefInput) -> ProposalResult:
        async def work(conn: asyncpg.Connection) -> ProposalPayload:
            project = await maintained_project(conn, info, input.project)
            done = await service.withdraw(
                conn, project.id, _number(input.number), info.context.principal.actor
            )
            return ProposalPayload(proposal=Proposal(model=done, project=project.slug))

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Cast or change your ballot; the voter is the token's contributor."
    )
    async def cast_ballot(self, info: Info, input: CastBallotInput) -> BallotResult:
        async def work(conn: asyncpg.Connection) -> BallotPayload:
            voter = info.context.principal.require_contributor()
            project = await projects.get_project(conn, input.project)
            done = await service.cast(
                conn,
                project.id,
                _number(input.number),
                voter,
                input.ballot,
                info.context.principal.actor,
            )
            return BallotPayload(
                proposal=Proposal(model=done.proposal, project=project.slug),
                ballot=as_json(done.ballot),
                revision=done.revision,
                cast_at=done.cast_at,
                receipt=done.receipt.hex() if done.receipt else None,
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Close a proposal whose time has passed (anyone may).")
    async def close_proposal(self, info: Info, input: ProposalRefInput) -> ProposalResult:
        async def work(conn: asyncpg.Connection) -> ProposalPayload:
            project = await projects.get_project(conn, input.project)
            closed = await service.close(
                conn, project, _number(input.number), info.context.principal.actor
            )
            return ProposalPayload(proposal=Proposal(model=closed, project=project.slug))

        return await run_mutation(info, work)

    @strawberry.mutation(description="Delegate your vote, for all kinds or one kind.")
    async def delegate(self, info: Info, input: DelegateInput) -> DelegationResult:
        async def work(conn: asyncpg.Connection) -> DelegationPayload:
            me = info.context.principal.require_contributor()
            project = await projects.get_project(conn, input.project)
            scope = await voters.delegate(
                conn, project, me, input.to, input.kind, info.context.principal.actor
            )
            kind = None if scope == "*" else scope
            return DelegationPayload(
                delegation=Delegation(delegator=me, delegate=input.to, kind=kind)
            )

        return await run_mutation(info, work)

    @strawberry.mutation(description="Revoke your delegation (takes effect on every open vote).")
    async def revoke_delegation(self, info: Info, input: RevokeDelegationInput) -> RevokeResult:
        async def work(conn: asyncpg.Connection) -> RevokeDelegationPayload:
            me = info.context.principal.require_contributor()
            project = await projects.get_project(conn, input.project)
            scope = await voters.revoke(conn, project, me, input.kind, info.context.principal.actor)
            return RevokeDelegationPayload(kind=None if scope == "*" else scope)

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Put a contributor on the maintainer or member list (maintainers)."
    )
    async def set_voting_role(self, info: Info, input: SetVotingRoleInput) -> RoleResult:
        async def work(conn: asyncpg.Connection) -> VotingRolePayload:
            project = await maintained_project(conn, info, input.project)
            changed = await voters.set_role(
                conn, project, input.contributor, input.role, info.context.principal.actor
            )
            return VotingRolePayload(
                contributor=input.contributor, role=input.role, changed=changed
            )

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Enable delegation or secret ballots for new votes, or adopt a code of "
        "conduct (maintainers)."
    )
    async def set_governance_settings(
        self, info: Info, input: GovernanceSettingsInput
    ) -> SettingsResult:
        async def work(conn: asyncpg.Connection) -> GovernanceSettingsPayload:
            project = await maintained_project(conn, info, input.project)
            actor = info.context.principal.actor
            for key, value in (
                (service.DELEGATION, input.delegation),
                (service.SECRET_BALLOTS, input.secret_ballots),
            ):
                if value is not None and project.settings.get(key) != value:
                    project = await projects.update_settings(conn, project, key, value, actor)
            if (c := input.code_of_conduct) is not None:
                adopted = conduct.code_of_conduct(c.title, c.text, c.sha256, c.url)
                project = await conduct.adopt(conn, project, adopted, c.proposal, actor)
            recorded = project.settings.get(conduct.CODE_OF_CONDUCT)
            return GovernanceSettingsPayload(
                delegation=bool(project.settings.get(service.DELEGATION)),
                secret_ballots=bool(project.settings.get(service.SECRET_BALLOTS)),
                code_of_conduct=None
                if recorded is None
                else CodeOfConduct(
                    title=recorded["title"],
                    sha256=recorded["sha256"],
                    url=recorded["url"],
                    proposal=recorded.get("proposal_id"),
                ),
            )

        return await run_mutation(info, work)


@strawberry.type
class GovernanceSubscription:
    @strawberry.subscription(
        description="The live tally of an open public proposal, then its final result."
    )
    async def proposal_tally(
        self, info: Info, project: str, number: int
    ) -> AsyncGenerator[Tally, None]:
        async for result, final in live.watch(info.context.database_url, project, number):
            yield Tally.of(result, final=final)


async def _proposal_node(info: Info, parts: list[str]) -> Proposal | None:
    if len(parts) != 2:
        return None
    (model,) = await store.load(info.context.pool, [(int_key(parts[0]), int_key(parts[1]))])
    if model is None:
        return None
    (project,) = await projects.load_projects(info.context.pool, [model.project_id])
    return Proposal(model=model, project=project.slug) if project else None


NODES = {"Proposal": _proposal_node}
