"""GraphQL root fields of the journal's verifiability: signed tree heads and Merkle proofs."""

from __future__ import annotations

from typing import Annotated, Protocol

import strawberry

from ledger.graphql import Info
from ledger.journal import heads as tree_heads
from ledger.journal.keys import KeyRing
from ledger.kernel.context import Context
from reports import journal_proofs


class ProofContext(Context, Protocol):
    """The request context with the instance's signing ring (the app fills it)."""

    ring: KeyRing


ProofInfo = strawberry.Info[ProofContext, None]


@strawberry.type(description="A signed statement of the journal's Merkle tree (RFC 9162).")
class TreeHead:
    tree_size: int = strawberry.field(description="Number of journal events covered.")
    root_hash: str = strawberry.field(description="Hex Merkle tree hash (MTH).")
    timestamp: str = strawberry.field(description="When it was signed (UTC, RFC 3339).")
    kid: str = strawberry.field(description="Key id in /.well-known/jwks.json.")
    jws: str = strawberry.field(description="Compact JWS (EdDSA) over the RFC 8785 head.")

    @classmethod
    def of(cls, head: tree_heads.SignedTreeHead) -> TreeHead:
        p = head.public()
        return cls(
            tree_size=p["tree_size"],
            root_hash=p["root_hash"],
            timestamp=p["timestamp"],
            kid=p["kid"],
            jws=p["jws"],
        )


@strawberry.type(description="RFC 9162 inclusion proof of one journal event.")
class InclusionProof:
    seq: int
    leaf_index: int = strawberry.field(description="seq - 1.")
    tree_size: int
    leaf_hash: str = strawberry.field(description="Hex SHA-256(0x00 || RFC 8785 event).")
    path: list[str] = strawberry.field(description="Hex audit path, leaf side first.")
    root_hash: str

    @classmethod
    def of(cls, proof: tree_heads.InclusionProof) -> InclusionProof:
        return cls(**proof.public())


@strawberry.type(description="RFC 9162 consistency proof between two tree sizes.")
class ConsistencyProof:
    from_size: int
    to_size: int
    from_root: str
    to_root: str
    path: list[str]

    @classmethod
    def of(cls, proof: tree_heads.ConsistencyProof) -> ConsistencyProof:
        return cls(**proof.public())


@strawberry.type
class Query:
    @strawberry.field(description="The project's signed tree head covering its whole journal.")
    async def tree_head(self, info: ProofInfo, project: str) -> TreeHead:
        context = info.context
        _, head = await journal_proofs.current_head(
            context.primary, project, context.ring, context.pool
        )
        return TreeHead.of(head)

    @strawberry.field(description="Inclusion proof of event `seq` in the tree of `treeSize`.")
    async def inclusion_proof(
        self, info: Info, project: str, seq: int, tree_size: int | None = None
    ) -> InclusionProof:
        context = info.context
        proof = await journal_proofs.inclusion(
            context.primary, project, seq, tree_size, context.pool
        )
        return InclusionProof.of(proof)

    @strawberry.field(description="Consistency proof between tree sizes `from` and `to`.")
    async def consistency_proof(
        self,
        info: Info,
        project: str,
        from_: Annotated[int, strawberry.argument(name="from")] = 0,
        to: int | None = None,
    ) -> ConsistencyProof:
        context = info.context
        proof = await journal_proofs.consistency(context.primary, project, from_, to, context.pool)
        return ConsistencyProof.of(proof)
