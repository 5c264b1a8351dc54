"""GraphQL of erasure: ``eraseContributor`` (instance admins), the right to be
forgotten over the API (``intake.erasure``)."""

from __future__ import annotations

from typing import Annotated

import asyncpg
import strawberry

from intake.erasure import erase_contributor
from ledger.graphql import (
    ConflictError,
    ForbiddenError,
    Info,
    NotFoundError,
    ValidationError,
    run_mutation,
)
from ledger.register import people
from ledger.register.gql.types import Contributor


@strawberry.input(description="Whom to forget.")
class EraseContributorInput:
    contributor: int = strawberry.field(
        description="Contributor number (any number merged into the person erases the person)."
    )


@strawberry.type(description="What an erasure did.")
class EraseContributorPayload:
    contributor: Contributor = strawberry.field(
        description="The person, under their number, with a tombstone for a name."
    )
    identities: int = strawberry.field(description="Identities whose personal data was cleared.")
    deliveries_purged: int = strawberry.field(
        description="Raw webhook payloads that mentioned them, purged."
    )
    already_erased: bool = strawberry.field(description="True when nothing was left to erase.")


EraseContributorResult = Annotated[
    EraseContributorPayload | ValidationError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("EraseContributorResult"),
]


@strawberry.type
class ErasureMutation:
    @strawberry.mutation(
        description="Forget a contributor at their request (instance admins): their "
        "personal data becomes a tombstone, their raw payloads are purged, their "
        "contributions and credit stay under their number, and the journal records "
        "only that an erasure happened."
    )
    async def erase_contributor(
        self, info: Info, input: EraseContributorInput
    ) -> EraseContributorResult:
        async def work(conn: asyncpg.Connection) -> EraseContributorPayload:
            principal = info.context.principal
            principal.require_admin()
            done = await erase_contributor(conn, input.contributor, principal.actor)
            person = await people.get_contributor(conn, done.contributor_id)
            return EraseContributorPayload(
                contributor=Contributor.of(person),
                identities=done.identities,
                deliveries_purged=done.deliveries_purged,
                already_erased=done.already,
            )

        return await run_mutation(info, work)
