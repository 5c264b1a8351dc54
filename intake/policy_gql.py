"""GraphQL of the project's intake policy: its settings (bots, AI assistants' credit,
merge commits, ``.mailmap``), marking contributors as bots after the fact, and
accepting a ``.mailmap``'s merge suggestions in one step (``intake.settings``,
``intake.bot_marks``, ``intake.mailmap``)."""

from __future__ import annotations

from typing import Annotated

import asyncpg
import strawberry

from intake import bot_marks, mailmap, merges
from intake.settings import IntakeSettings, set_intake_settings
from ledger.graphql import (
    Info,
    MutationError,
    run_mutation,
)
from ledger.register import people, projects
from ledger.register.gql.access import maintained_project
from ledger.register.gql.types import Contributor


@strawberry.type(description="How intake credits a project's history and who counts as a bot.")
class IntakePolicy:
    bots: list[str] = strawberry.field(
        description="Logins or names the project lists as bots (beside the known ones)."
    )
    assistant_credit: bool = strawberry.field(
        description="Whether AI assistants' work (authors, co-authors) earns credit; "
        "default no: it is recorded, uncounted."
    )
    merge_commits: str = strawberry.field(
        description="What a merge commit without changes of its own earns: skip (not a "
        "contribution, the default) or maintenance (credited to its committer)."
    )
    mailmap: str = strawberry.field(
        description="suggest (a .mailmap's pairs are merge suggestions, the default) or "
        "apply (an import merges them)."
    )

    @classmethod
    def of(cls, s: IntakeSettings) -> IntakePolicy:
        return cls(
            bots=list(s.bots),
            assistant_credit=s.assistant_credit,
            merge_commits=s.merge_commits,
            mailmap=s.mailmap,
        )


@strawberry.input(description="The parts of the intake policy to change (others stay).")
class SetIntakeSettingsInput:
    project: str
    bots: list[str] | None = strawberry.field(
        default=None, description="The whole list of extra bot logins or names (no emails)."
    )
    assistant_credit: bool | None = None
    merge_commits: str | None = strawberry.field(default=None, description="skip or maintenance.")
    mailmap: str | None = strawberry.field(default=None, description="suggest or apply.")


@strawberry.input(description="A contributor to mark as a bot, or as a person.")
class SetContributorBotInput:
    project: str = strawberry.field(description="Project on whose behalf the mark is made.")
    contributor: int
    bot: bool


@strawberry.input
class AcceptMailmapInput:
    project: str


@strawberry.type
class SetIntakeSettingsPayload:
    policy: IntakePolicy


@strawberry.type
class SetContributorBotPayload:
    contributor: Contributor
    changed: bool = strawberry.field(
        description="False when the contributor was marked so already."
    )
    recounted: int = strawberry.field(description="Contributions recounted, in every project.")


@strawberry.type
class AcceptMailmapPayload:
    merge_ids: list[int] = strawberry.field(description="The merges made, each undoable.")


SettingsResult = Annotated[
    SetIntakeSettingsPayload | MutationError, strawberry.union("SetIntakeSettingsResult")
]
BotResult = Annotated[
    SetContributorBotPayload | MutationError, strawberry.union("SetContributorBotResult")
]
MailmapResult = Annotated[
    AcceptMailmapPayload | MutationError, strawberry.union("AcceptMailmapResult")
]


async def _require_everywhere(conn: asyncpg.Connection, info: Info, ids: list[int]) -> None:
    """The caller maintains every project holding these contributors' work."""
    for _, slug in await merges.affected_projects(conn, ids):
        info.context.principal.require(slug, "maintainer")


@strawberry.type
class IntakePolicyQuery:
    @strawberry.field(description="A project's intake policy (public: how credit is given).")
    async def intake_policy(self, info: Info, project: str) -> IntakePolicy:
        found = await projects.get_project(info.context.pool, project)
        return IntakePolicy.of(IntakeSettings.of(found.settings))


@strawberry.type
class IntakePolicyMutation:
    @strawberry.mutation(description="Change a project's intake policy (maintainers).")
    async def set_intake_settings(
        self, info: Info, input: SetIntakeSettingsInput
    ) -> SettingsResult:
        async def work(conn: asyncpg.Connection) -> SetIntakeSettingsPayload:
            project = await maintained_project(conn, info, input.project)
            policy = await set_intake_settings(
                conn, project, info.context.principal.actor, bots=input.bots,
                assistant_credit=input.assistant_credit, merge_commits=input.merge_commits,
                mailmap=input.mailmap,
            )  # fmt: skip
            return SetIntakeSettingsPayload(policy=IntakePolicy.of(policy))

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Mark a contributor as a bot or as a person; their work is recounted "
        "in every project that holds it (maintainers of all of them)."
    )
    async def set_contributor_bot(self, info: Info, input: SetContributorBotInput) -> BotResult:
        async def work(conn: asyncpg.Connection) -> SetContributorBotPayload:
            await maintained_project(conn, info, input.project)
            await _require_everywhere(conn, info, [input.contributor])
            done = await bot_marks.mark_bot(
                conn, input.contributor, input.bot, info.context.principal.actor
            )
            person = await people.get_contributor(conn, input.contributor)
            return SetContributorBotPayload(
                contributor=Contributor.of(person),
                changed=done.changed,
                recounted=sum(done.recounted.values()),
            )

        return await run_mutation(info, work)

    @strawberry.mutation(
        description="Merge every pair the project's .mailmap names as one person "
        "(maintainers of every project holding their work)."
    )
    async def accept_mailmap_suggestions(
        self, info: Info, input: AcceptMailmapInput
    ) -> MailmapResult:
        async def work(conn: asyncpg.Connection) -> AcceptMailmapPayload:
            project = await maintained_project(conn, info, input.project)
            pairs = await mailmap.open_pairs(conn, project.id)
            await _require_everywhere(conn, info, sorted({i for p in pairs for i in p}))
            made = await mailmap.accept(conn, project.id, info.context.principal.actor)
            return AcceptMailmapPayload(merge_ids=made)

        return await run_mutation(info, work)
