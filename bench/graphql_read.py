"""GraphQL read benchmark: persisted dashboard operations against a large project.

    .venv/bin/python -m bench.graphql_read            # 1,000,000 contributions, 20,000 people
    .venv/bin/python -m bench.graphql_read --small    # 100,000 over 5,000

Serves the API with `commons serve` (one worker) on 127.0.0.1 and sends a bounded
number of requests (loopback only). Prints requests/s and p50/p99 for the small
`ProjectTotals` operation and the `ProjectOverview` dashboard, and, in the same run,
the same overview data computed by raw SQL aggregates over the contribution rows;
the ratio overview-p50 / raw-SQL-p50 (target <= 0.5) and req/s (target >= 2,000).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx

from app import database
from bench.common import percentile, scratch_database
from bench.seed import contributions
from ledger.register.bulk import bulk_load
from ledger.register.projects import ProjectInput, create_project

RAW_SQL = [
    "SELECT count(*), sum(credit), count(DISTINCT contributor_id), min(occurred_at), max(occurred_at) "
    "FROM contributions WHERE project_id = $1 AND counted",
    "SELECT c.contributor_id, p.display_name, count(*), sum(c.credit) AS credit FROM contributions c "
    "JOIN contributors p ON p.id = c.contributor_id WHERE c.project_id = $1 AND c.counted "
    "GROUP BY 1, 2 ORDER BY credit DESC, 1 DESC LIMIT 20",
    "SELECT c.id, c.kind, c.occurred_at, p.display_name FROM contributions c "
    "JOIN contributors p ON p.id = c.contributor_id WHERE c.project_id = $1 "
    "ORDER BY c.occurred_at DESC, c.id DESC LIMIT 50",
    "SELECT kind, count(*) FROM contributions WHERE project_id = $1 AND counted GROUP BY 1 ORDER BY 2 DESC",
]


async def seed(url: str, n: int, m: int) -> int:
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput("big", "Big"), "bench")
        await conn.executemany(
            "INSERT INTO contributors (display_name) VALUES ($1)",
            [(f"Person {i}",) for i in range(m)],
        )
        people = [r[0] for r in await conn.fetch("SELECT id FROM contributors ORDER BY id")]
        async with conn.transaction():
            await bulk_load(conn, project.id, contributions(n, people), "bench")
        await conn.execute("VACUUM ANALYZE")
        return project.id
    finally:
        await conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(base: str, name: str, requests: int, concurrency: int) -> tuple[float, list[float]]:
    """Send ``requests`` POSTs with ``concurrency`` in flight; (req/s, latencies ms)."""
    latencies: list[float] = []
    body = {"variables": {"slug": "big"}}
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        remaining = iter(range(requests))

        async def worker() -> None:
            for _ in remaining:
                started = time.perf_counter()
                response = await client.post(f"/graphql/persisted/{name}", json=body)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200 or "errors" in response.json():
                    raise SystemExit(f"{name} failed: {response.text[:500]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return requests / elapsed, latencies


async def raw_sql(url: str, project_id: int, rounds: int) -> list[float]:
    conn = await database.connect(url)
    try:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            for statement in RAW_SQL:
                await conn.fetch(statement, project_id)
            times.append((time.perf_counter() - started) * 1000)
        return times
    finally:
        await conn.close()


def wrk_rate(base: str, name: str, seconds: int, connections: int) -> str:
    """Requests/s by wrk (a native load generator, when installed) on a GET of the
    persisted operation: the Python client above costs a core of its own."""
    if shutil.which("wrk") is None:
        return "wrk not installed (apt-get install wrk)"
    query = urllib.parse.quote(json.dumps({"slug": "big"}))
    url = f"{base}/graphql/persisted/{name}?variables={query}"
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30)
    lines = [
        line for line in out.stdout.splitlines() if "Requests/sec" in line or "Latency" in line
    ]
    return " | ".join(" ".join(line.split()) for line in lines)


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    n, m = (100_000, 5_000) if args.small else (1_000_000, 20_000)
    with scratch_database() as url:
        print(f"seeding {n:,} contributions over {m:,} contributors ...", flush=True)
        project_id = asyncio.run(seed(url, n, m))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DATABASE_URL": url, "COMMONS_ENV": "production",
               "COMMONS_RUN_WORKER": "false", "COMMONS_DATA_DIR": tempfile.mkdtemp()}  # fmt: skip
        command = [str(Path(sys.executable).parent / "commons"), "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        try:
            wait_ready(base, server)
            asyncio.run(load(base, "ProjectOverview", 200, 4))  # warm caches
            small_rps, small = asyncio.run(
                load(base, "ProjectTotals", args.requests, args.concurrency)
            )
            over_rps, over = asyncio.run(
                load(base, "ProjectOverview", args.requests // 4, args.concurrency)
            )
            _, seq = asyncio.run(load(base, "ProjectOverview", 200, 1))
            native = wrk_rate(base, "ProjectTotals", 10, args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=30)
        raw = asyncio.run(raw_sql(url, project_id, 20))
    print(
        f"ProjectTotals   {small_rps:8,.0f} req/s  p50 {percentile(small, 50):6.1f} ms  p99 {percentile(small, 99):6.1f} ms  (target >= 2,000 req/s)"
    )
    print(
        f"ProjectOverview {over_rps:8,.0f} req/s  p50 {percentile(over, 50):6.1f} ms  p99 {percentile(over, 99):6.1f} ms  (concurrency {args.concurrency})"
    )
    print(f"ProjectTotals by wrk: {native}  (target >= 2,000 req/s per worker)")
    print(f"ProjectOverview sequential p50 {percentile(seq, 50):6.1f} ms")
    print(f"raw SQL aggregates of the same data p50 {percentile(raw, 50):6.1f} ms")
    print(
        f"ratio overview p50 / raw SQL p50: {percentile(seq, 50) / percentile(raw, 50):.3f} (target <= 0.5)"
    )


if __name__ == "__main__":
    main()
