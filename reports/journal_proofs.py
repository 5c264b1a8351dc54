"""Serving the journal's verifiability: current signed tree head and proofs by project slug.

Each call takes its own connection from the pool; reading a head first extends the
stored tree to the journal's end and signs the new size once. Given a ``reader`` (a
read replica), a call answers there when the replica already holds what it needs
(a signed head of its whole journal; the stored tree of the size asked, with the
event or the older size in it), and on the primary ``pool`` otherwise.
"""

from __future__ import annotations

import asyncpg

from ledger.journal import chain as journal
from ledger.journal import heads as tree_heads
from ledger.journal.keys import KeyRing
from ledger.kernel.errors import InvalidInput
from ledger.register.models import Project
from ledger.register.projects import get_project


async def current_head(
    pool: asyncpg.Pool, slug: str, ring: KeyRing, reader: asyncpg.Pool | None = None
) -> tuple[Project, tree_heads.SignedTreeHead]:
    """The project and its signed tree head covering the whole journal now."""
    if reader is not None and reader is not pool:
        async with reader.acquire() as conn:
            project = await get_project(conn, slug)
            head = await tree_heads.latest_head(conn, project.id)
            if head is not None and head.size == (await journal.head(conn, project.id))[0]:
                return project, head
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        return project, await tree_heads.publish_head(conn, project.id, slug, ring)


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
    """Inclusion proof of event ``seq`` in the tree of ``size`` (default: the whole journal)."""
    if reader is not None and reader is not pool:
        found = await _covered(reader, slug, size)
        if found is not None and 1 <= seq <= found[1]:
            return await tree_heads.inclusion(reader, found[0], seq, found[1])
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        covered = await tree_heads.extend_tree(conn, project.id)
        return await tree_heads.inclusion(conn, project.id, seq, covered if size is None else size)


async def consistency(
    pool: asyncpg.Pool,
    slug: str,
    old: int,
    new: int | None,
    reader: asyncpg.Pool | None = None,
) -> tree_heads.ConsistencyProof:
    """Consistency proof from tree size ``old`` to ``new`` (default: the whole journal)."""
    if old < 0:
        raise InvalidInput("from must not be negative", "from")
    if reader is not None and reader is not pool:
        found = await _covered(reader, slug, new)
        if found is not None and old <= found[1]:
            return await tree_heads.consistency(reader, found[0], old, found[1])
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        covered = await tree_heads.extend_tree(conn, project.id)
        return await tree_heads.consistency(conn, project.id, old, covered if new is None else new)
