"""Public cost benchmark: the journal's verify and the treasury's integrity on a large
journal, 30 aliases a query and 4 callers at once, against a trivial query's p99.

    .venv/bin/python -m bench.public_cost            # 200,000 events, 300 postings
    .venv/bin/python -m bench.public_cost --small    # 20,000 events, 50 postings

Seeds one project with N contributions (``register.bulk``, as ``bench.seed`` does, so
the head moves past the checkpoint) and a treasury of receipts, lets the background
checker catch up (printed: events/s), then serves the API with ``commons serve`` (one
worker, production settings) on 127.0.0.1, waits for its publisher to sign a head over
the whole journal, and prints, from one run:

- the trivial query's p50/p99 alone, then while 4 callers send 30-alias queries of
  ``journal { verify }`` and ``treasury { integrity }`` back to back, then while they
  send 30 aliases of ``project { name }`` instead (a reference load: what any 30-alias
  query costs one worker); ratio of the two loaded p99s (target ~1);
- each 30-alias query's p50 (answered from the checkpoints) beside the reference's;
- one full recheck (``verify(full: true)``, an admin's) through the same API, and the
  ratio of 30 full rechecks (what 30 aliases cost before the checkpoints) to one
  30-alias query now;
- what the limit says to 30 aliases of a count over the history (refused, its cost);
- the event loop's longest stall while the stored Merkle tree catches up over the whole
  journal (what the tree-head publisher does beside the API after a bulk load), hashing
  ``heads.CHUNK`` events between awaits against the whole backlog in one step, in the
  same run (each rolled back), in CPU time of the loop between two of its turns.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from app import database
from app.main import PUBLIC_CHECKS, settle_heap
from bench.common import free_port, percentile, scratch_database
from bench.graphql_read import wait_ready
from bench.seed import contributions
from ledger.journal import heads
from ledger.journal.checker import Checker
from ledger.kernel.money import parse_amount
from ledger.register.bulk import bulk_load
from ledger.register.projects import ProjectInput, create_project
from ledger.treasury.movements import record_receipt
from ledger.treasury.sponsors import record_sponsor

SLUG = "big"
TRIVIAL = f'{{ project(slug: "{SLUG}") {{ name }} }}'
VERIFY30 = (
    "{ "
    + " ".join(
        f'v{i}: project(slug: "{SLUG}") {{ journal {{ verify {{ ok checked length checkedAt }} }} }}'
        for i in range(30)
    )
    + " }"
)
INTEGRITY30 = (
    "{ "
    + " ".join(
        f'i{i}: treasury(project: "{SLUG}") {{ integrity {{ ok transactions throughSeq }} }}'
        for i in range(30)
    )
    + " }"
)
COUNT30 = (
    "{ "
    + " ".join(
        f'c{i}: project(slug: "{SLUG}") {{ contributions(first: 1) {{ totalCount }} }}'
        for i in range(30)
    )
    + " }"
)
NAME30 = "{ " + " ".join(f'n{i}: project(slug: "{SLUG}") {{ name }}' for i in range(30)) + " }"
FULL = f'{{ project(slug: "{SLUG}") {{ journal {{ verify(full: true) {{ ok checked }} }} }} }}'


async def seed(url: str, events: int, postings: int) -> None:
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput(SLUG, "Big"), "bench")
        await conn.executemany(
            "INSERT INTO contributors (display_name) VALUES ($1)",
            [(f"Person {i}",) for i in range(2_000)],
        )
        people = [r[0] for r in await conn.fetch("SELECT id FROM contributors ORDER BY id")]
        async with conn.transaction():
            await bulk_load(conn, project.id, contributions(events, people), "bench")
        async with conn.transaction():
            sponsor, _ = await record_sponsor(
                conn, project.id, organisation="Sponsor", contributor_id=None, actor="bench"
            )
        for i in range(postings):
            async with conn.transaction():
                await record_receipt(
                    conn,
                    project.id,
                    key=f"r{i}",
                    sponsor_id=sponsor.id,
                    money=parse_amount(f"{i % 90 + 10}.00", "EUR"),
                    actor="bench",
                )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def catch_up(url: str) -> tuple[int, float]:
    """Run checker passes until nothing is left; (events looked at, seconds)."""
    pool = await database.create_pool(url, min_size=1, max_size=2)
    try:
        checker = Checker(pool, PUBLIC_CHECKS)
        looked, started = 0, time.perf_counter()
        while done := await checker.run_once():
            looked += done
        return looked, time.perf_counter() - started
    finally:
        await pool.close()


async def longest_stall(url: str, chunk: int) -> tuple[float, float, int]:
    """The event loop's longest stall (ms of the loop's CPU time between two of its
    turns) while the tree is built from nothing over the whole journal, ``chunk`` events
    between awaits (rolled back after); the longest garbage collection in it (ms), and
    the tree's size."""
    conn = await database.connect(url)
    stalls: list[float] = []
    collections: list[float] = []
    done = asyncio.Event()
    collecting = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting[0] = time.thread_time()
        else:
            collections.append((time.thread_time() - collecting[0]) * 1000)

    async def probe() -> None:  # CPU time, not wall time: other work shares the cores
        last = time.thread_time()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.thread_time()
            stalls.append((now - last) * 1000)
            last = now

    try:
        project_id = await conn.fetchval("SELECT id FROM projects WHERE slug = $1", SLUG)
        undone = conn.transaction()
        await undone.start()
        settle_heap()  # as the server does at start-up
        probing = asyncio.create_task(probe())
        gc.callbacks.append(timed)
        try:
            size = await heads.extend_tree(conn, project_id, chunk=chunk)
        finally:
            gc.callbacks.remove(timed)
        done.set()
        await probing
        gc.unfreeze()
        await undone.rollback()
        return max(stalls), max(collections, default=0.0), size
    finally:
        await conn.close()


async def post(client: httpx.AsyncClient, query: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    body = response.json()
    if response.status_code != 200 or (body.get("errors") and query is not COUNT30):
        raise SystemExit(f"query failed: {response.text[:500]}")
    return body


async def latencies(client: httpx.AsyncClient, query: str, n: int) -> list[float]:
    found = []
    for _ in range(n):
        started = time.perf_counter()
        await post(client, query)
        found.append((time.perf_counter() - started) * 1000)
    return found


async def under_load(
    client: httpx.AsyncClient, queries: tuple[str, ...], rounds: int
) -> tuple[list[float], float]:
    """The trivial query's latencies while 4 callers send ``queries`` (in turn) back to
    back; and how many of those they sent per second."""
    stop = asyncio.Event()
    sent = 0

    async def caller(query: str) -> None:
        nonlocal sent
        while not stop.is_set():
            await post(client, query)
            sent += 1

    callers = [asyncio.create_task(caller(queries[i % len(queries)])) for i in range(4)]
    started = time.perf_counter()
    found = await latencies(client, TRIVIAL, rounds)
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*callers)
    return found, sent / elapsed


async def published(client: httpx.AsyncClient, size: int) -> None:
    """Wait until the server's publisher has signed a head over the whole journal: its
    catch-up after the load is not what the phases below measure."""
    query = f'{{ project(slug: "{SLUG}") {{ treeHead {{ treeSize }} }} }}'
    for _ in range(3000):
        answer = (await client.post("/graphql", json={"query": query})).json()
        head = (answer.get("data") or {}).get("project", {}).get("treeHead")
        if head is not None and head["treeSize"] >= size:
            return
        await asyncio.sleep(0.1)
    raise SystemExit("the server's publisher did not catch up")


async def measure(base: str, rounds: int, token: str, size: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        await published(client, size)
        await latencies(client, TRIVIAL, 50)  # warm caches
        await latencies(client, VERIFY30, 5)
        await latencies(client, INTEGRITY30, 5)
        alone = await latencies(client, TRIVIAL, rounds)
        verify30 = await latencies(client, VERIFY30, rounds // 5)
        integrity30 = await latencies(client, INTEGRITY30, rounds // 5)
        name30 = await latencies(client, NAME30, rounds // 5)
        loaded, heavy_rate = await under_load(client, (VERIFY30, INTEGRITY30), rounds)
        reference, reference_rate = await under_load(client, (NAME30,), rounds)
        full_started = time.perf_counter()
        full = await post(client, FULL, token)
        full_ms = (time.perf_counter() - full_started) * 1000
        counted = await post(client, COUNT30)
    return {
        "alone": alone,
        "loaded": loaded,
        "reference": reference,
        "verify30": verify30,
        "integrity30": integrity30,
        "name30": name30,
        "heavy_rate": heavy_rate,
        "reference_rate": reference_rate,
        "full_ms": full_ms,
        "full": full["data"]["project"]["journal"]["verify"],
        "counted": counted["errors"][0],
    }


def admin_token(env: dict[str, str]) -> str:
    command = [str(Path(sys.executable).parent / "commons"), "token", "--subject", "bench"]
    out = subprocess.run(
        [*command, "--admin"], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="20,000 events, 50 postings")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=400, help="trivial queries per phase")
    args = parser.parse_args()
    events, postings = (20_000, 50) if args.small else (args.events, 300)
    with scratch_database() as url:
        print(f"seeding {events:,} contributions and {postings} receipts ...", flush=True)
        asyncio.run(seed(url, events, postings))
        looked, seconds = asyncio.run(catch_up(url))
        before_ms, _, size = asyncio.run(longest_stall(url, max(events, 20_000)))
        stall_ms, collected_ms, _ = asyncio.run(longest_stall(url, heads.CHUNK))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DATABASE_URL": url, "COMMONS_ENV": "production",
               "COMMONS_RUN_WORKER": "false", "COMMONS_DATA_DIR": tempfile.mkdtemp()}  # fmt: skip
        token = admin_token(env)
        command = [str(Path(sys.executable).parent / "commons"), "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        try:
            wait_ready(base, server)
            found = asyncio.run(measure(base, args.rounds, token, size))
        finally:
            server.terminate()
            server.wait(timeout=30)
    alone, loaded = found["alone"], found["loaded"]
    v30, i30 = percentile(found["verify30"], 50), percentile(found["integrity30"], 50)
    print(f"background checker caught up {looked:,} events in {seconds:.2f} s "
          f"({looked / seconds:,.0f} events/s)")  # fmt: skip
    print(f"trivial query alone        p50 {percentile(alone, 50):7.1f} ms  p99 {percentile(alone, 99):7.1f} ms")  # fmt: skip
    print(f"trivial query under load   p50 {percentile(loaded, 50):7.1f} ms  p99 {percentile(loaded, 99):7.1f} ms"
          f"  (4 callers, {found['heavy_rate']:.0f} 30-alias queries/s)")  # fmt: skip
    print(f"ratio trivial p99 under load / alone: {percentile(loaded, 99) / percentile(alone, 99):.2f} (target ~1)")  # fmt: skip
    reference = found["reference"]
    print(f"trivial query under a reference load of 30 x project.name: p99 {percentile(reference, 99):7.1f} ms"
          f"  ({found['reference_rate']:.0f} queries/s)")  # fmt: skip
    print(f"ratio trivial p99 under verify/integrity load / under the reference load: "
          f"{percentile(loaded, 99) / percentile(reference, 99):.2f} (target ~1)")  # fmt: skip
    print(f"30 x journal.verify p50 {v30:6.1f} ms   30 x treasury.integrity p50 {i30:6.1f} ms   "
          f"30 x project.name p50 {percentile(found['name30'], 50):6.1f} ms")  # fmt: skip
    print(
        f"one full recheck (verify(full: true), admin) {found['full_ms']:8.1f} ms: {found['full']}"
    )
    print(f"ratio 30 full rechecks (before) / one 30-alias verify now: {30 * found['full_ms'] / v30:,.0f}x")  # fmt: skip
    print(f"30 aliases of contributions.totalCount: {found['counted']['message']}")
    print(f"event loop's longest stall while the tree catches up over {size:,} events: "
          f"{stall_ms:.1f} ms ({heads.CHUNK:,} events between awaits; the longest garbage "
          f"collection in it {collected_ms:.1f} ms) against "
          f"{before_ms:.1f} ms (the backlog in one step): {before_ms / stall_ms:.0f}x shorter")  # fmt: skip


if __name__ == "__main__":
    main()
