"""Stored Merkle subtrees, proofs read from them, and signed tree heads on a real database."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from ledger.journal import chain as journal
from ledger.journal import heads as tree_heads
from ledger.journal import jws, merkle
from ledger.journal.events.register import KindDefined
from ledger.journal.keys import TREE_HEADS, KeyRing
from ledger.kernel.errors import InvalidInput
from ledger.register.projects import ProjectInput, create_project


async def _project_with_events(pool: asyncpg.Pool, slug: str, count: int) -> int:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput(slug, slug.title()), "admin")
        await journal.append_events(
            conn,
            project.id,
            [(KindDefined(kind=f"k{i}", description=""), "admin") for i in range(count)],
        )
        return project.id


async def _leaves(pool: asyncpg.Pool, project_id: int) -> list[bytes]:
    async with pool.acquire() as conn:
        events = await journal.page(conn, project_id, 0, 10_000)
    return [journal.leaf_hash(e.document()) for e in events]


async def test_the_tree_grows_in_steps_and_keeps_the_root_of_the_whole_journal(
    pool: asyncpg.Pool,
) -> None:
    project_id = await _project_with_events(pool, "grow", 11)
    async with pool.acquire() as conn:
        assert await tree_heads.extend_tree(conn, project_id) == 13
        async with conn.transaction():
            await journal.append_events(
                conn,
                project_id,
                [(KindDefined(kind=f"k{i}", description=""), "admin") for i in range(20)],
            )
        assert await tree_heads.extend_tree(conn, project_id) == 33
        assert await tree_heads.extend_tree(conn, project_id) == 33
        leaves = await _leaves(pool, project_id)
        for size in (1, 2, 13, 16, 33):
            assert await tree_heads.tree_root(conn, project_id, size) == merkle.root(leaves[:size])
        stored = await conn.fetchval(
            "SELECT count(*) FROM merkle_nodes WHERE project_id = $1", project_id
        )
    assert stored == 33 + 16 + 8 + 4 + 2 + 1


async def test_a_tree_extended_a_few_events_at_a_time_is_the_tree_of_one_pass(
    pool: asyncpg.Pool,
) -> None:
    stepped = await _project_with_events(pool, "stepped", 45)
    whole = await _project_with_events(pool, "whole", 45)
    async with pool.acquire() as conn:
        assert await tree_heads.extend_tree(conn, stepped, chunk=4) == 47
        assert await tree_heads.extend_tree(conn, whole) == 47
        leaves = await _leaves(pool, stepped)
        assert await tree_heads.tree_root(conn, stepped, 47) == merkle.root(leaves)
        nodes = "SELECT level, idx, hash FROM merkle_nodes WHERE project_id = $1 ORDER BY 1, 2"
        stepped_nodes = [(r[0], r[1]) for r in await conn.fetch(nodes, stepped)]
        whole_nodes = [(r[0], r[1]) for r in await conn.fetch(nodes, whole)]
    assert stepped_nodes == whole_nodes
    assert len(stepped_nodes) == 47 + 23 + 11 + 5 + 2 + 1


async def test_proofs_from_stored_nodes_verify_against_the_recomputed_roots(
    pool: asyncpg.Pool,
) -> None:
    project_id = await _project_with_events(pool, "proofs", 19)
    async with pool.acquire() as conn:
        await tree_heads.extend_tree(conn, project_id)
        leaves = await _leaves(pool, project_id)
        for seq, size in ((1, 1), (7, 21), (21, 21), (16, 17)):
            proof = await tree_heads.inclusion(conn, project_id, seq, size)
            assert proof.path == merkle.inclusion_proof(leaves[:size], seq - 1)
            assert merkle.verify_inclusion(
                seq - 1, size, leaves[seq - 1], proof.path, merkle.root(leaves[:size])
            )
        for old, new in ((0, 21), (5, 21), (8, 16), (21, 21)):
            c = await tree_heads.consistency(conn, project_id, old, new)
            assert c.path == merkle.consistency_proof(leaves[:new], old)
            assert merkle.verify_consistency(old, new, c.old_root, c.new_root, c.path)


async def test_proofs_outside_the_tree_are_refused_with_the_field_named(
    pool: asyncpg.Pool,
) -> None:
    project_id = await _project_with_events(pool, "refuse", 3)
    async with pool.acquire() as conn:
        await tree_heads.extend_tree(conn, project_id)
        with pytest.raises(InvalidInput) as seq:
            await tree_heads.inclusion(conn, project_id, 6, 5)
        with pytest.raises(InvalidInput) as size:
            await tree_heads.inclusion(conn, project_id, 1, 6)
        with pytest.raises(InvalidInput) as order:
            await tree_heads.consistency(conn, project_id, 4, 2)
    assert (seq.value.field, size.value.field, order.value.field) == ("seq", "size", "from")


async def test_a_tree_head_is_signed_once_per_size_and_verifies_with_the_key_set(
    pool: asyncpg.Pool,
) -> None:
    project_id = await _project_with_events(pool, "heads", 4)
    ring = KeyRing.generate(TREE_HEADS)
    async with pool.acquire() as conn:
        first = await tree_heads.publish_head(conn, project_id, "heads", ring)
        again = await tree_heads.publish_head(conn, project_id, "heads", ring)
        latest = await tree_heads.latest_head(conn, project_id)
    assert first == again == latest
    payload = jws.verify_jws(first.jws, ring.jwks())
    assert payload == {
        "typ": "commons-tree-head/1",
        "project": "heads",
        "project_id": project_id,
        "tree_size": 6,
        "root_hash": merkle.root(await _leaves(pool, project_id)).hex(),
        "timestamp": first.public()["timestamp"],
    }
    with pytest.raises(ValueError, match="no key"):
        jws.verify_jws(first.jws, KeyRing.generate().jwks())
    header, body, signature = first.jws.split(".")
    with pytest.raises(ValueError, match="signature"):
        jws.verify_jws(f"{header}.{body}.{signature[:-4]}AAAA", ring.jwks())


async def test_publishers_on_several_connections_sign_each_size_once(
    pool: asyncpg.Pool, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_id = await _project_with_events(pool, "busy", 5)
    ring = KeyRing.generate(TREE_HEADS)
    signed: list[int] = []
    sign = jws.sign_payload

    def counted(ring: KeyRing, payload: dict[str, Any], detached: bool = False) -> str:
        signed.append(payload["tree_size"])
        return sign(ring, payload, detached)

    monkeypatch.setattr(tree_heads, "sign_payload", counted)
    # One connection each, as the processes serving one database have.
    connections = [await asyncpg.connect(database_url) for _ in range(6)]
    try:
        published = await asyncio.gather(
            *(tree_heads.publish_head(c, project_id, "busy", ring) for c in connections)
        )
    finally:
        for conn in connections:
            await conn.close()
    assert signed == [7]
    assert len(set(published)) == 1
    assert (
        await pool.fetchval("SELECT count(*) FROM tree_heads WHERE project_id = $1", project_id)
        == 1
    )


async def test_stored_nodes_and_heads_refuse_rewrites(pool: asyncpg.Pool) -> None:
    project_id = await _project_with_events(pool, "frozen", 2)
    async with pool.acquire() as conn:
        await tree_heads.publish_head(conn, project_id, "frozen", KeyRing.generate(TREE_HEADS))
        for table in ("merkle_nodes", "tree_heads"):
            with pytest.raises(asyncpg.RestrictViolationError):
                await conn.execute(f"DELETE FROM {table} WHERE project_id = $1", project_id)
