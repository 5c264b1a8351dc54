"""Serving the journal's verifiability: current signed tree head and proofs by project slug.

Each call takes its own connection from the pool; reading a head first extends the
stored tree to the journal's end and signs the new size once.
"""

from __future__ import annotations

import asyncpg

from ledger.journal import heads as tree_heads
from ledger.journal.keys import KeyRing
from ledger.kernel.errors import InvalidInput
from ledger.register.models import Project
from ledger.register.projects import get_project


async def current_head(
    pool: asyncpg.Pool, slug: str, ring: KeyRing
) -> tuple[Project, tree_heads.SignedTreeHead]:
    """The project and its signed tree head covering the whole journal now."""
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        return project, await tree_heads.publish_head(conn, project.id, slug, ring)


async def inclusion(
    pool: asyncpg.Pool, slug: str, seq: int, size: int | None
) -> tree_heads.InclusionProof:
    """Inclusion proof of event ``seq`` in the tree of ``size`` (default: the whole journal)."""
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        covered = await tree_heads.extend_tree(conn, project.id)
        return await tree_heads.inclusion(conn, project.id, seq, covered if size is None else size)


async def consistency(
    pool: asyncpg.Pool, slug: str, old: int, new: int | None
) -> tree_heads.ConsistencyProof:
    """Consistency proof from tree size ``old`` to ``new`` (default: the whole journal)."""
    if old < 0:
        raise InvalidInput("from must not be negative", "from")
    async with pool.acquire() as conn:
        project = await get_project(conn, slug)
        covered = await tree_heads.extend_tree(conn, project.id)
        return await tree_heads.consistency(conn, project.id, old, covered if new is None else new)
