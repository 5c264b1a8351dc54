"""GraphQL read benchmark: the dashboards' persisted operations beside ``/healthz``.

    .venv/bin/python -m bench.graphql_read            # 1,000,000 contributions, 20,000 people
    .venv/bin/python -m bench.graphql_read --small    # 100,000 over 5,000

Serves the API with ``commons serve`` (one worker, no access log) on 127.0.0.1 and
loads it with ``bench.load`` (keep-alive, loopback only). In one run it prints, each
beside the ``/healthz`` floor measured the same way: ``ProjectOverview`` and
``ContributorProfile`` (of the top contributor) uncached (``Cache-Control:
no-cache``: executed every time) and served from the journal-head cache, and one
profile request at a time; in rounds, each answer right after a ``/healthz`` of its own
(the median round is printed, with every round's ratio). Targets: uncached >= 2,000
req/s, cached >= 0.5x
``/healthz``, a profile p50 <= 20 ms on the 1M-contribution project. The machine's
load average is printed before and after: other work on it moves every rate, so each
line also gives the CPU the server, the database and the load generator used per
request, which it moves far less.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvloop

from app import database
from bench.common import free_port, percentile, scratch_database
from bench.load import Run, children, cpu_seconds, load, parent_of, request
from bench.seed import contributions
from ledger.register.bulk import bulk_load
from ledger.register.projects import ProjectInput, create_project

UNCACHED = {"Cache-Control": "no-cache"}
TOP = """
SELECT contributor_id FROM contributor_stats WHERE project_id = $1
ORDER BY credit DESC, contributor_id LIMIT 1
"""


async def seed(url: str, n: int, m: int) -> tuple[int, int]:
    """The benchmark project (id) with ``n`` contributions over ``m`` people, and its
    top contributor."""
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
        return project.id, int(await conn.fetchval(TOP, project.id))
    finally:
        await conn.close()


def persisted(name: str, **variables: object) -> str:
    return f"/graphql/persisted/{name}?variables=" + urllib.parse.quote(json.dumps(variables))


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become ready")


def check(port: int, path: str) -> None:
    """Fail loudly unless ``path`` answers 200 without GraphQL errors."""
    body = httpx.get(f"http://127.0.0.1:{port}{path}", headers=UNCACHED, timeout=60).json()
    if "errors" in body or body.get("data", {}).get("project") is None:
        raise SystemExit(f"{path} failed: {json.dumps(body)[:500]}")


@dataclass(frozen=True, slots=True)
class Measured:
    """One load and the CPU (ms per request) the server, the database (None when it
    runs elsewhere) and this load generator used for it."""

    run: Run
    server: float
    database: float | None
    generator: float


@dataclass(frozen=True, slots=True)
class Target:
    port: int
    server: int
    """The server's process id."""
    postmaster: int | None
    """The database's postmaster, when it runs on this machine."""


def measure(at: Target, path: str, requests: int, connections: int, uncached: bool) -> Measured:
    raw = request(path, UNCACHED if uncached else None)
    uvloop.run(load(at.port, raw, max(200, requests // 10), connections))  # warm up
    backends = children(at.postmaster) if at.postmaster else []
    server, database, mine = cpu_seconds([at.server]), cpu_seconds(backends), time.process_time()
    run = uvloop.run(load(at.port, raw, requests, connections))
    if set(run.statuses) != {200}:
        raise SystemExit(f"{path}: answers {run.statuses}")
    per = 1000 / requests
    return Measured(
        run,
        (cpu_seconds([at.server]) - server) * per,
        (cpu_seconds(backends) - database) * per if backends else None,
        (time.process_time() - mine) * per,
    )


def line(label: str, rounds: list[tuple[Measured, float]], target: str) -> str:
    """One answer's figures over the rounds (each with the ``/healthz`` rate of its own
    round): the median round's rate, latencies and CPU, and the median of the rounds'
    ratios to ``/healthz``."""
    ranked = sorted(rounds, key=lambda r: r[0].run.rate)
    found = ranked[len(ranked) // 2][0]
    run = found.run
    ratios = sorted(m.run.rate / floor for m, floor in rounds)
    database = f"{found.database:5.2f}" if found.database is not None else "  n/a"
    each = " ".join(f"{r:.2f}" for r in ratios)
    return (
        f"{label:<34} {run.rate:7,.0f} req/s  p50 {percentile(run.latencies, 50):6.2f} ms  "
        f"p99 {percentile(run.latencies, 99):7.2f} ms  {ratios[len(ratios) // 2]:5.2f}x healthz "
        f"({each})  CPU/req ms: server {found.server:5.2f} db {database} "
        f"load {found.generator:5.2f}  {target}"
    )


async def postmaster(url: str) -> int | None:
    """The database server's postmaster process, when it runs on this machine."""
    conn = await database.connect(url)
    try:
        return parent_of(int(await conn.fetchval("SELECT pg_backend_pid()")))
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="each answer beside /healthz")
    args = parser.parse_args()
    n, m = (100_000, 5_000) if args.small else (1_000_000, 20_000)
    with scratch_database() as url:
        print(f"seeding {n:,} contributions over {m:,} contributors ...", flush=True)
        _, top = asyncio.run(seed(url, n, m))
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "COMMONS_ENV": "production",
               "COMMONS_RUN_WORKER": "false", "COMMONS_DATA_DIR": tempfile.mkdtemp(),
               "COMMONS_RATE_LIMIT": str(10**15)}  # fmt: skip
        command = [str(Path(sys.executable).parent / "commons"), "serve", "--port", str(port),
                   "--no-access-log"]  # fmt: skip
        server = subprocess.Popen(
            command, env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        overview = persisted("ProjectOverview", slug="big")
        profile = persisted("ContributorProfile", slug="big", contributor=str(top))
        try:
            wait_ready(f"http://127.0.0.1:{port}", server)
            check(port, overview)
            check(port, profile)
            at = Target(port, server.pid, asyncio.run(postmaster(url)))
            load_before = os.getloadavg()
            r = args.requests
            c = args.connections
            plan = [
                ("/healthz", "/healthz", r, False, "(the floor)"),
                ("ProjectOverview uncached", overview, r // 4, True, ">= 2,000 req/s"),
                ("ProjectOverview cached", overview, r, False, ">= 0.5x healthz"),
                ("ContributorProfile uncached (top)", profile, r // 4, True, ">= 2,000 req/s"),
                ("ContributorProfile cached (top)", profile, r, False, ">= 0.5x healthz"),
            ]
            found: dict[str, list[tuple[Measured, float]]] = {label: [] for label, *_ in plan}
            for _ in range(args.rounds):
                for label, path, count, uncached, _target in plan:
                    floor = measure(at, "/healthz", r, c, uncached=False)
                    answer = floor if path == "/healthz" else measure(at, path, count, c, uncached)
                    found[label].append((answer, floor.run.rate))
            one = measure(at, profile, 300, 1, uncached=True).run
            load_after = os.getloadavg()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{n:,} contributions, {m:,} contributors; {os.cpu_count()} cores; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")  # fmt: skip
    print(f"{args.rounds} rounds, each answer measured right after /healthz; the median round:")
    for label, _path, _count, _uncached, target in plan:
        print(line(label, found[label], target))
    print(
        f"ContributorProfile, one request at a time, uncached: p50 "
        f"{percentile(one.latencies, 50):.2f} ms  p99 {percentile(one.latencies, 99):.2f} ms  "
        f"(target p50 <= 20 ms on 1M)"
    )


if __name__ == "__main__":
    main()
