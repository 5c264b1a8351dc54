"""``Project``'s verifiability (signed tree heads, Merkle proofs) and, for its
maintainers, its intake (forge secrets, dead letters, truncated pushes, merges)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from intake.gql import DeadLetter, ForgeSecret, IntakeQuery, MergeSuggestion, TruncatedPush
from ledger.graphql import Connection, Info
from ledger.register.gql.types import Project
from reports.gql import ConsistencyProof, InclusionProof, TreeHead
from reports.gql import Query as ProofsQuery

_PROOFS = ProofsQuery()
_INTAKE = IntakeQuery()


@strawberry.type
class ProjectProofs:
    @strawberry.field(
        description="The project's newest signed tree head (published at most a few seconds "
        "or events behind its journal); null, with a not_found error, before the first."
    )
    async def tree_head(self, root: strawberry.Parent[Project], info: Info) -> TreeHead | None:
        return await _PROOFS.tree_head(info, root.model.slug)

    @strawberry.field(description="Inclusion proof of event `seq` in the tree of `treeSize`.")
    async def inclusion_proof(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        seq: Annotated[int, strawberry.argument(description="The event's place in the chain.")],
        tree_size: Annotated[
            int | None, strawberry.argument(description="Tree size (default: the whole journal).")
        ] = None,
    ) -> InclusionProof | None:
        return await _PROOFS.inclusion_proof(info, root.model.slug, seq, tree_size)

    @strawberry.field(description="Consistency proof between tree sizes `from` and `to`.")
    async def consistency_proof(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        from_: Annotated[
            int, strawberry.argument(name="from", description="The older tree size.")
        ] = 0,
        to: Annotated[
            int | None,
            strawberry.argument(description="The newer size (default: the whole journal)."),
        ] = None,
    ) -> ConsistencyProof | None:
        return await _PROOFS.consistency_proof(info, root.model.slug, from_, to)


@strawberry.type
class ProjectIntake:
    @strawberry.field(
        description="Forge secrets, active and retired (maintainers; null, with a forbidden error, for anyone else)."
    )
    async def forge_secrets(
        self, root: strawberry.Parent[Project], info: Info
    ) -> list[ForgeSecret] | None:
        return await _INTAKE.forge_secrets(info, root.model.slug)

    @strawberry.field(
        description="Deliveries that failed every attempt (maintainers; null, with a forbidden error, for anyone else)."
    )
    async def dead_letters(
        self, root: strawberry.Parent[Project], info: Info
    ) -> list[DeadLetter] | None:
        return await _INTAKE.dead_letters(info, root.model.slug)

    @strawberry.field(
        description="Pushes listed only in part, newest first (maintainers; null, with a forbidden error, for anyone else)."
    )
    async def truncated_pushes(
        self, root: strawberry.Parent[Project], info: Info
    ) -> list[TruncatedPush] | None:
        return await _INTAKE.truncated_pushes(info, root.model.slug)

    @strawberry.field(
        description="Contributors who share an email or a name (maintainers; null, with a forbidden error, for anyone else)."
    )
    async def merge_suggestions(
        self,
        root: strawberry.Parent[Project],
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="Page size (default 20, at most 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor of the page's previous item.")
        ] = None,
    ) -> Connection[MergeSuggestion] | None:
        return await _INTAKE.merge_suggestions(info, root.model.slug, first, after)
