"""Heavy-lane benchmark: a trivial query's latency alone and while four anonymous
callers send expensive 30-alias queries back to back, with the heavy lane and without.

    .venv/bin/python -m bench.heavy_lane            # 20,000 contributions, 400 rounds
    .venv/bin/python -m bench.heavy_lane --small    # 5,000 contributions, 200 rounds

Serves the API with ``commons serve`` (one worker, production settings, the default
query budget) on 127.0.0.1, twice: with the heavy lane as configured by default and
with ``COMMONS_HEAVY_COST=0`` (no lane), and prints from each run the trivial query's
p50/p99 alone and under the attack, their ratio (target <= 1.5), and how many attack
queries the worker answered per second meanwhile. The callers come from 127.0.0.2, a
client of their own, as another machine would; the trivial query from 127.0.0.1. The
machine's load average is printed: other work on it moves every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from app import database
from bench.common import free_port, percentile, scratch_database
from bench.graphql_read import wait_ready
from bench.seed import contributions
from ledger.register.bulk import bulk_load
from ledger.register.projects import ProjectInput, create_project

SLUG = "big"
TRIVIAL = f'{{ project(slug: "{SLUG}") {{ name }} }}'
ATTACKS = (
    "{ " + " ".join(f'n{i}: project(slug: "{SLUG}") {{ name slug }}' for i in range(30)) + " }",
    "{ "
    + " ".join(
        f'c{i}: project(slug: "{SLUG}") {{ contributions(first: 10) {{ nodes {{ kind }} }} }}'
        for i in range(30)
    )
    + " }",
)
CALLERS = 4
ATTACKER = "127.0.0.2"


@dataclass(frozen=True, slots=True)
class Phase:
    alone: list[float]
    loaded: list[float]
    answered: float
    """Attack queries answered (200) per second while the trivial one was measured."""
    refused: int


async def seed(url: str, n: int) -> None:
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput(SLUG, "Big"), "bench")
        await conn.executemany(
            "INSERT INTO contributors (display_name) VALUES ($1)",
            [(f"Person {i}",) for i in range(500)],
        )
        people = [r[0] for r in await conn.fetch("SELECT id FROM contributors ORDER BY id")]
        async with conn.transaction():
            await bulk_load(conn, project.id, contributions(n, people), "bench")
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def latencies(client: httpx.AsyncClient, n: int) -> list[float]:
    found = []
    for _ in range(n):
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": TRIVIAL})
        found.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or "errors" in response.json():
            raise SystemExit(f"the trivial query failed: {response.text[:300]}")
    return found


async def measure(base: str, rounds: int) -> Phase:
    transport = httpx.AsyncHTTPTransport(local_address=ATTACKER)
    async with (
        httpx.AsyncClient(base_url=base, timeout=120) as me,
        httpx.AsyncClient(base_url=base, transport=transport, timeout=120) as them,
    ):
        await latencies(me, 50)
        alone = await latencies(me, rounds)
        stop = asyncio.Event()
        statuses: dict[int, int] = {}

        async def caller(query: str) -> None:
            while not stop.is_set():
                status = (await them.post("/graphql", json={"query": query})).status_code
                statuses[status] = statuses.get(status, 0) + 1

        tasks = [asyncio.create_task(caller(ATTACKS[i % len(ATTACKS)])) for i in range(CALLERS)]
        await asyncio.sleep(1.0)  # the attack under way
        before = dict(statuses)
        started = time.perf_counter()
        loaded = await latencies(me, rounds)
        elapsed = time.perf_counter() - started
        answered = statuses.get(200, 0) - before.get(200, 0)
        stop.set()
        await asyncio.gather(*tasks)
    unexpected = set(statuses) - {200, 429}
    if unexpected:
        raise SystemExit(f"attack queries answered {statuses}")
    return Phase(alone, loaded, answered / elapsed, statuses.get(429, 0))


def run(url: str, rounds: int, **env: str) -> Phase:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    full = {**os.environ, "DATABASE_URL": url, "COMMONS_ENV": "production",
            "COMMONS_RUN_WORKER": "false", "COMMONS_DATA_DIR": tempfile.mkdtemp(), **env}  # fmt: skip
    command = [str(Path(sys.executable).parent / "commons"), "serve", "--port", str(port),
               "--no-access-log"]  # fmt: skip
    server = subprocess.Popen(
        command, env=full, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    try:
        wait_ready(base, server)
        return asyncio.run(measure(base, rounds))
    finally:
        server.terminate()
        server.wait(timeout=30)


def line(label: str, phase: Phase) -> str:
    alone, loaded = phase.alone, phase.loaded
    ratio = percentile(loaded, 99) / percentile(alone, 99)
    return (
        f"{label:<22} alone p50 {percentile(alone, 50):6.1f} ms p99 {percentile(alone, 99):6.1f} ms"
        f" | under attack p50 {percentile(loaded, 50):6.1f} ms p99 {percentile(loaded, 99):7.1f} ms"
        f" | p99 ratio {ratio:5.2f} | attack answered {phase.answered:5.1f}/s"
        f" ({phase.refused} refused)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="5,000 contributions, 200 rounds")
    parser.add_argument("--rounds", type=int, default=400, help="trivial queries per phase")
    args = parser.parse_args()
    n, rounds = (5_000, 200) if args.small else (20_000, args.rounds)
    with scratch_database() as url:
        print(f"seeding {n:,} contributions ...", flush=True)
        asyncio.run(seed(url, n))
        load_before = os.getloadavg()
        lane = run(url, rounds)
        no_lane = run(url, rounds, COMMONS_HEAVY_COST="0")
        load_after = os.getloadavg()
    print(f"{CALLERS} callers from {ATTACKER}, 30 aliases each; {os.cpu_count()} cores; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")  # fmt: skip
    print(line("with the heavy lane", lane) + "  (target ratio <= 1.5)")
    print(line("without (reference)", no_lane))


if __name__ == "__main__":
    main()
