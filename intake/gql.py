"""GraphQL of intake: forge connections and secret rotation, dead letters and replay,
contributor merges/unmerges and the suggestions maintainers decide on.

Secrets go in (``connectForge``) and never come out. Root fields take the project
slug, as ``Project`` lives in ledger.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import asyncpg
import strawberry

from intake import connections, inbox, merges, suggestions
from ledger.graphql import (
    Connection,
    Info,
    MutationError,
    connection,
    run_mutation,
)
from ledger.kernel.paging import page_size
from ledger.register import people, projects
from ledger.register.gql.access import maintained_project
from ledger.register.gql.types import Contributor


@strawberry.type(description="A forge secret's public facts (never its value).")
class ForgeSecret:
    forge: str
    secret_id: int
    label: str
    created_at: datetime
    retired_at: datetime | None

    @strawberry.field(description="True until retired; deliveries signed with it are accepted.")
    def active(self) -> bool:
        return self.retired_at is None

    @classmethod
    def of(cls, m: connections.SecretInfo) -> ForgeSecret:
        return cls(
            forge=m.forge,
            secret_id=m.id,
            label=m.label,
            created_at=m.created_at,
            retired_at=m.retired_at,
        )


@strawberry.type(description="A delivery that failed every attempt, with its last error.")
class DeadLetter:
    delivery_id: int
    forge: str
    event: str
    delivery_key: str
    attempts: int
    error: str
    died_at: datetime


@strawberry.type(description="A push the forge listed only in part: import history to complete it.")
class TruncatedPush:
    delivery_id: int
    forge: str
    delivery_key: str
    received_at: datetime


@strawberry.type(description="Two contributors who may be one person; never applied silently.")
class MergeSuggestion:
    one: Contributor
    other: Contributor
    reason: str


@strawberry.input
class ConnectForgeInput:
    project: str
    forge: str = strawberry.field(
        description="github, gitlab, gitea, forgejo, bitbucket or standard."
    )
    secret: str = strawberry.field(description="Write-only; at most two active per forge.")
    label: str = ""
    base_url: str | None = strawberry.field(
        default=None,
        description="The forge server's address (https://gitea.example.org), for "
        "deliveries whose payload names no repository address; kept when left out.",
    )


@strawberry.input
class RetireForgeSecretInput:
    project: str
    forge: str
    secret_id: int


@strawberry.input
class ReplayDeliveryInput:
    project: str
    delivery_id: int


@strawberry.input
class MergeContributorsInput:
    project: str = strawberry.field(description="Project on whose behalf the merge is made.")
    source: int = strawberry.field(description="Contributor merged away.")
    target: int = strawberry.field(description="Contributor kept.")


@strawberry.input
class UnmergeContributorsInput:
    project: str
    merge_id: int


@strawberry.type
class ForgeSecretPayload:
    secret: ForgeSecret
    webhook_path: str = strawberry.field(description="Where the forge should POST deliveries.")


@strawberry.type
class ReplayPayload:
    delivery_id: int


@strawberry.type
class MergePayload:
    merge_id: int
    contributor: Contributor = strawberry.field(description="The contributor that remains.")


ForgeSecretResult = Annotated[
    ForgeSecretPayload | MutationError, strawberry.union("ForgeSecretResult")
]
ReplayResult = Annotated[ReplayPayload | MutationError, strawberry.union("ReplayDeliveryResult")]
MergeResult = Annotated[MergePayload | MutationError, strawberry.union("MergeContributorsResult")]


async def _contributor(conn: asyncpg.Connection, contributor_id: int) -> Contributor:
    return Contributor.of(await people.get_contributor(conn, contributor_id))


@strawberry.type
class IntakeQuery:
    @strawberry.field(description="A project's forge secrets, active and retired (maintainers).")
    async def forge_secrets(self, info: Info, project: str) -> list[ForgeSecret]:
        found = await maintained_project(info.context.pool, info, project)
        return [
            ForgeSecret.of(s) for s in await connections.list_secrets(info.context.pool, found.id)
        ]

    @strawberry.field(description="Deliveries that failed every attempt (maintainers).")
    async def dead_letters(self, info: Info, project: str) -> list[DeadLetter]:
        found = await maintained_project(info.context.pool, info, project)
        return [
            DeadLetter(
                delivery_id=d.inbox_id,
                forge=d.forge,
                event=d.event,
                delivery_key=d.delivery_key,
                attempts=d.attempts,
                error=d.error,
                died_at=d.died_at,
            )
            for d in await inbox.dead_letters(info.context.pool, found.id)
        ]

    @strawberry.field(description="Pushes listed only in part, newest first (maintainers).")
    async def truncated_pushes(self, info: Info, project: str) -> list[TruncatedPush]:
        found = await maintained_project(info.context.pool, info, project)
        return [
            TruncatedPush(delivery_id=i, forge=f, delivery_key=k, received_at=at)
            for i, f, k, at in await inbox.truncated_pushes(info.context.pool, found.id)
        ]

    @strawberry.field(
        description="Contributors who share an email or a name (after NFC and case "
        "folding), or whom the repository's .mailmap names as one person, in pages "
        "(maintainers)."
    )
    async def merge_suggestions(
        self, info: Info, project: str, first: int | None = None, after: str | None = None
    ) -> Connection[MergeSuggestion]:
        found = await maintained_project(info.context.pool, info, project)
        page = await suggestions.suggestions(info.context.pool, found.id, page_size(first), after)
        loader = info.context.loaders.get(people.load_contributors)
        result = []
        for pair in page.items:
            one, other = await loader.load(pair.one), await loader.load(pair.other)
            assert one is not None
            assert other is not None
            result.append(
                MergeSuggestion(
                    one=Contributor.of(one),
                    other=Contributor.of(other),
                    reason=pair.reason,
                )
            )
        return connection(page, result)


@strawberry.type
class IntakeMutation:
    @strawberry.mutation(description="Connect a forge or add a rotation secret (maintainers).")
    async def connect_forge(self, info: Info, input: ConnectForgeInput) -> ForgeSecretResult:
        async def work(conn: asyncpg.Connection) -> ForgeSecretPayload:
            project = await maintained_project(conn, info, input.project)
            added = await connections.connect_forge(
                conn,
                project,
                input.forge,
                input.secret,
                input.label,
                info.context.principal.actor,
                input.base_url,
            )
            info.context.webhook_targets.clear()
            path = f"/webhooks/{input.forge}/{project.slug}"
            return ForgeSecretPayload(secret=ForgeSecret.of(added), webhook_path=path)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Retire a forge secret: its deliveries are refused.")
    async def retire_forge_secret(
        self, info: Info, input: RetireForgeSecretInput
    ) -> ForgeSecretResult:
        async def work(conn: asyncpg.Connection) -> ForgeSecretPayload:
            project = await maintained_project(conn, info, input.project)
            retired = await connections.retire_secret(
                conn, project, input.forge, input.secret_id, info.context.principal.actor
            )
            info.context.webhook_targets.clear()
            path = f"/webhooks/{input.forge}/{project.slug}"
            return ForgeSecretPayload(secret=ForgeSecret.of(retired), webhook_path=path)

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Process a settled delivery (dead, ignored or done) again, under "
        "today's rules and repository list (maintainers)."
    )
    async def replay_delivery(self, info: Info, input: ReplayDeliveryInput) -> ReplayResult:
        async def work(conn: asyncpg.Connection) -> ReplayPayload:
            project = await maintained_project(conn, info, input.project)
            await inbox.replay(conn, project.id, input.delivery_id, info.context.principal.actor)
            return ReplayPayload(delivery_id=input.delivery_id)

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Merge one contributor into another (maintainers of every "
        "project holding their contributions)."
    )
    async def merge_contributors(self, info: Info, input: MergeContributorsInput) -> MergeResult:
        async def work(conn: asyncpg.Connection) -> MergePayload:
            project = await maintained_project(conn, info, input.project)
            for _, slug in await merges.affected_projects(conn, [input.source, input.target]):
                info.context.principal.require(slug, "maintainer")
            merge_id = await merges.merge(
                conn, project.id, input.source, input.target, info.context.principal.actor
            )
            kept = await _contributor(conn, input.target)
            return MergePayload(merge_id=merge_id, contributor=kept)

        return await run_mutation(info, work)

    @strawberry.mutation(description="Undo a merge exactly (maintainers).")
    async def unmerge_contributors(
        self, info: Info, input: UnmergeContributorsInput
    ) -> MergeResult:
        async def work(conn: asyncpg.Connection) -> MergePayload:
            project = await maintained_project(conn, info, input.project)
            for project_id in await merges.merge_record_projects(conn, input.merge_id):
                (other,) = await projects.load_projects(info.context.pool, [project_id])
                if other is not None:
                    info.context.principal.require(other.slug, "maintainer")
            restored = await merges.unmerge(
                conn, project.id, input.merge_id, info.context.principal.actor
            )
            back = await _contributor(conn, restored)
            return MergePayload(merge_id=input.merge_id, contributor=back)

        return await run_mutation(info, work)
