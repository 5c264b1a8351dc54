"""Serving the journal's verifiability by project slug, from stored state only: the newest
signed tree head, its C2SP checkpoint and verifier key, and Merkle proofs.

The background publisher (``ledger.journal.publisher``) keeps the stored tree and heads
current; nothing here hashes the journal. Proofs default to the newest signed head's
size, so a proof and the head a client just fetched agree.
"""

from __future__ import annotations

import asyncpg

from ledger.journal import chain as journal
from ledger.journal import heads as tree_heads
from ledger.journal import notes
from ledger.journal.keys import KeyRing
from ledger.kernel.errors import InvalidInput, NotFound
from ledger.register.models import Project
from ledger.register.projects import get_project


async def _published(conn: asyncpg.Connection, project: Project) -> tree_heads.SignedTreeHead:
    head = await tree_heads.latest_head(conn, project.id)
    if head is None:
        raise NotFound(f"project {project.slug} has no signed tree head yet; try again shortly")
    return head


async def current_head(pool: asyncpg.Pool, slug: str) -> tuple[Project, tree_heads.SignedTreeHead]:
    """The project and its newest signed tree head."""
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        return project, await _published(conn, project)


async def checkpoint(pool: asyncpg.Pool, slug: str, ring: KeyRing, log_name: str) -> str:
    """The newest signed tree head as a C2SP checkpoint, signed by the checkpoint key."""
    project, head = await current_head(pool, slug)
    point = notes.Checkpoint(notes.origin_of(log_name, project.slug), head.size, head.root)
    return notes.signed_checkpoint(point, ring.active.private)


async def verifier_key(pool: asyncpg.Pool, slug: str, ring: KeyRing, log_name: str) -> str:
    """The ``vkey`` a witness pins to check the project's checkpoints."""
    project = await get_project(pool, slug)
    origin = notes.origin_of(log_name, project.slug)
    return notes.verifier_of(origin, ring.active.public).vkey()


async def _covered(reader: asyncpg.Pool, slug: str, size: int | None) -> tuple[int, int] | None:
    """(project id, size) when the replica's stored tree covers ``size`` (default: its
    whole journal), else None."""
    async with reader.acquire() as conn:
        project = await get_project(conn, slug)
        covered = await tree_heads.covered_size(conn, project.id)
        wanted = size if size is not None else (await journal.head(conn, project.id))[0]
        return (project.id, wanted) if 0 <= wanted <= covered else None


async def inclusion(
    pool: asyncpg.Pool,
    slug: str,
    seq: int,
    size: int | None,
    reader: asyncpg.Pool | None = None,
) -> tree_heads.InclusionProof:
    """Inclusion proof of event ``seq`` in the tree of ``size`` (default: the newest head)."""
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        if size is None:
            size = (await _published(conn, project)).size
        return await tree_heads.inclusion(conn, project.id, seq, size)


async def consistency(
    pool: asyncpg.Pool,
    slug: str,
    old: int,
    new: int | None,
    reader: asyncpg.Pool | None = None,
) -> tree_heads.ConsistencyProof:
    """Consistency proof from tree size ``old`` to ``new`` (default: the newest head)."""
    if old < 0:
        raise InvalidInput("from must not be negative", "from")
    if reader is not None and reader is not pool:
        found = await _covered(reader, slug, new)
        if found is not None and old <= found[1]:
            return await tree_heads.consistency(reader, found[0], old, found[1])
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        if new is None:
            new = (await _published(conn, project)).size
        return await tree_heads.consistency(conn, project.id, old, new)
