"""Merkle proof latency on a 10-million-event journal (``--small``: 100,000 events).

The stored tree (``merkle_nodes``: every complete aligned subtree) is written directly
with ``generate_series`` (leaf i = SHA-256(0x00 || i)) and real RFC 6962 parent hashes
computed level by level in SQL, as ``extend_tree`` would leave it for
that many events; the journal itself is not materialised, since proofs never read it.
Prints p50/p99 of inclusion and consistency proofs served by ``ledger.journal.heads``
(one query each) against the 20 ms target, and checks a sample of them verify.

    .venv/bin/python -m bench.proofs [--small]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from app import database
from bench.common import percentile, scratch_database
from ledger.journal import heads as tree_heads
from ledger.journal import merkle
from ledger.register.projects import ProjectInput, create_project

TARGET_MS = 20.0

_LEAVES = """
INSERT INTO merkle_nodes (project_id, level, idx, hash)
SELECT $1, 0, i, sha256('\\x00'::bytea || int8send(i))
FROM generate_series(0::bigint, $2::bigint - 1) AS i
"""
_PARENTS = """
INSERT INTO merkle_nodes (project_id, level, idx, hash)
SELECT $1, $2::smallint, idx / 2, sha256('\\x01'::bytea || hash || right_hash)
FROM (
    SELECT idx, hash, lead(hash) OVER (ORDER BY idx) AS right_hash
    FROM merkle_nodes WHERE project_id = $1 AND level = $2::smallint - 1
) AS pairs
WHERE idx % 2 = 0 AND right_hash IS NOT NULL
"""


async def _build(url: str, size: int) -> int:
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput("bench-proofs", "Bench"), "bench")
        started = time.perf_counter()
        await conn.execute(_LEAVES, project.id, size)
        level = 1
        while size >> level:
            await conn.execute(_PARENTS, project.id, level)
            level += 1
        await conn.execute(
            "INSERT INTO merkle_state (project_id, size) VALUES ($1, $2)", project.id, size
        )
        await conn.execute("ANALYZE merkle_nodes")
        print(f"stored tree for {size:,} events in {time.perf_counter() - started:.1f} s")
        return project.id
    finally:
        await conn.close()


async def _measure(url: str, project_id: int, size: int, rounds: int) -> None:
    pool = await database.create_pool(url, min_size=1, max_size=1)
    rng = random.Random(7)
    inclusion_ms: list[float] = []
    consistency_ms: list[float] = []
    try:
        async with pool.acquire() as conn:
            root = await tree_heads.tree_root(conn, project_id, size)
            for i in range(rounds):
                seq = rng.randint(1, size)
                t = time.perf_counter()
                proof = await tree_heads.inclusion(conn, project_id, seq, size)
                inclusion_ms.append((time.perf_counter() - t) * 1000)
                old = rng.randint(1, size - 1)
                t = time.perf_counter()
                c = await tree_heads.consistency(conn, project_id, old, size)
                consistency_ms.append((time.perf_counter() - t) * 1000)
                if i < 20:
                    assert merkle.verify_inclusion(seq - 1, size, proof.leaf_hash, proof.path, root)
                    assert merkle.verify_consistency(old, size, c.old_root, root, c.path)
    finally:
        await pool.close()
    for name, values in (("inclusion", inclusion_ms), ("consistency", consistency_ms)):
        p50, p99 = percentile(values, 50), percentile(values, 99)
        print(
            f"{name:12} proof over {size:,} events: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
            f"({rounds} proofs; target <= {TARGET_MS:.0f} ms; p99/target {p99 / TARGET_MS:.2f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="100,000 events instead of 10 million")
    args = parser.parse_args()
    size = 100_000 if args.small else 10_000_000
    with scratch_database() as url:
        project_id = asyncio.run(_build(url, size))
        asyncio.run(_measure(url, project_id, size, 300 if args.small else 1000))


if __name__ == "__main__":
    main()
