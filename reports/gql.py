"""GraphQL root fields of the journal's verifiability: signed tree heads and Merkle proofs."""

from __future__ import annotations

from typing import Annotated

import strawberry

from ledger.graphql import Info
from ledger.journal import heads as tree_heads
from reports import journal_proofs


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
    @strawberry.field(
        description="The project's newest signed tree head (published at most a few seconds "
        "or events behind its journal)."
    )
    async def tree_head(self, info: Info, project: str) -> TreeHead:
        _, head = await journal_proofs.current_head(info.context.pool, project)
        return TreeHead.of(head)

    @strawberry.field(description="Inclusion proof of event `seq` in the tree of `treeSize`.")
    async def inclusion_proof(
        self, info: Info, project: str, seq: int, tree_size: int | None = None
    ) -> InclusionProof:
        proof = await journal_proofs.inclusion(info.context.pool, project, seq, tree_size)
        return InclusionProof.of(proof)

    @strawberry.field(description="Consistency proof between tree sizes `from` and `to`.")
    async def consistency_proof(
        self,
        info: Info,
        project: str,
        from_: Annotated[int, strawberry.argument(name="from")] = 0,
        to: int | None = None,
    ) -> ConsistencyProof:
        proof = await journal_proofs.consistency(info.context.pool, project, from_, to)
        return ConsistencyProof.of(proof)
