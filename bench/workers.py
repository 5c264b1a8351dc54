"""Processes benchmark: the same read load against ``commons serve --workers N`` for
N = 1, 2 and 4 on one database, until PostgreSQL is the bound.

    .venv/bin/python -m bench.workers                 # 200,000 contributions, 10 s per step
    .venv/bin/python -m bench.workers --small         # 20,000 contributions, 5 s per step

Serves on 127.0.0.1 only and loads it from the loopback with wrk (``apt-get install
wrk``; a bounded Python client when wrk is missing): each step runs for a fixed time
with a fixed number of connections. Prints requests/s per process count, the speed-up
over one process, latency, and where the CPU went (the service's processes against
PostgreSQL's), measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from app import database
from bench.common import scratch_database
from bench.graphql_read import free_port, load, wait_ready
from bench.seed import contributions
from ledger.register.bulk import import_contributions
from ledger.register.projects import ProjectInput, create_project

OPERATION = "ProjectTotals"


async def seed(url: str, n: int, m: int) -> None:
    pool = await database.create_pool(url)
    try:
        async with pool.acquire() as conn, conn.transaction():
            project = await create_project(conn, ProjectInput("big", "Big"), "bench")
        await pool.executemany(
            "INSERT INTO contributors (display_name) VALUES ($1)", [(f"P{i}",) for i in range(m)]
        )
        people = [r[0] for r in await pool.fetch("SELECT id FROM contributors ORDER BY id")]
        await import_contributions(pool, project.id, "bench", contributions(n, people), "bench")
        await pool.execute("VACUUM ANALYZE")
    finally:
        await pool.close()


@dataclass(frozen=True, slots=True)
class Step:
    processes: int
    rate: float
    p50_ms: float
    p99_ms: float
    service_cpu: float
    database_cpu: float


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for p in processes:
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def postgres_processes(url: str) -> list[psutil.Process]:
    """The PostgreSQL server's processes (the embedded one's postmaster and children)."""
    host = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("host", [""])[0]
    pid_file = Path(host) / "postmaster.pid"
    if not pid_file.exists():
        return []
    postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
    return [postmaster, *postmaster.children(recursive=True)]


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(base: str, name: str, seconds: int, connections: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of wrk on a GET of the persisted operation."""
    query = urllib.parse.quote(json.dumps({"slug": "big"}))
    url = f"{base}/graphql/persisted/{name}?variables={query}"
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    if "Non-2xx" in out.stdout:
        raise SystemExit(f"some requests failed:\n{out.stdout}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out.stdout)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out.stdout)[1])  # type: ignore[index]
    return rate, p50, p99


def python_client(
    base: str, name: str, seconds: int, connections: int
) -> tuple[float, float, float]:
    """The same with a bounded Python client (about 200 requests per second allowed)."""
    rate, latencies = asyncio.run(load(base, name, seconds * 200, connections))
    latencies.sort()
    return rate, latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]


def step(url: str, name: str, processes: int, seconds: int, connections: int) -> Step:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "COMMONS_ENV": "production",
           "COMMONS_RUN_WORKER": "false", "COMMONS_DATA_DIR": tempfile.mkdtemp()}  # fmt: skip
    command = [str(Path(sys.executable).parent / "commons"), "serve", "--port", str(port),
               "--workers", str(processes)]  # fmt: skip
    server = subprocess.Popen(
        command, env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    try:
        wait_ready(base, server)
        for _ in range(50 * processes):  # every process answers once, its caches warm
            httpx.get(f"{base}/graphql/persisted/{name}",
                      params={"variables": json.dumps({"slug": "big"})}, timeout=10)  # fmt: skip
        service = [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
        postgres = postgres_processes(url)
        before = _cpu(service), _cpu(postgres)
        measure = wrk if shutil.which("wrk") else python_client
        rate, p50, p99 = measure(base, name, seconds, connections)
        spent = _cpu(service) - before[0], _cpu(postgres) - before[1]
    finally:
        server.terminate()
        server.wait(timeout=60)
    time.sleep(1)  # the server's connections close before the next step
    return Step(processes, rate, p50, p99, spent[0] / seconds, spent[1] / seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--seconds", type=int, default=None)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--operation", default=OPERATION, help="a persisted operation's name")
    args = parser.parse_args()
    n, m, seconds = (20_000, 2_000, 5) if args.small else (200_000, 20_000, 10)
    seconds = args.seconds or seconds
    with scratch_database() as url:
        asyncio.run(seed(url, n, m))
        steps = [step(url, args.operation, p, seconds, args.connections) for p in args.processes]
    cores = psutil.cpu_count() or 1
    print(f"{args.operation} by {'wrk' if shutil.which('wrk') else 'a Python client'}, "
          f"{args.connections} connections, {seconds} s per step, {cores} cores")  # fmt: skip
    print("processes    req/s  speed-up   p50 ms   p99 ms   service cores   PostgreSQL cores")
    for s in steps:
        print(
            f"{s.processes:9d} {s.rate:8,.0f} {s.rate / steps[0].rate:8.2f}x {s.p50_ms:8.1f} "
            f"{s.p99_ms:8.1f} {s.service_cpu:15.2f} {s.database_cpu:18.2f}"
        )
    last = steps[-1]
    bound = "PostgreSQL" if last.database_cpu >= last.service_cpu else "the service's processes"
    print(f"at {last.processes} processes most of the CPU goes to {bound}")


if __name__ == "__main__":
    main()
