"""Seed benchmark: N contributions over M contributors with their journal events, rollups
and credit, against PostgreSQL's own COPY of the same rows in the same run.

    .venv/bin/python -m bench.seed                # 1,000,000 over 20,000
    .venv/bin/python -m bench.seed --small        # 50,000 over 2,000
    .venv/bin/python -m bench.seed --runs 3       # three runs, each on a fresh database

Each run loads a fresh register with ``import_contributions`` (a first import: chunks
committed over ``--writers`` connections, secondary indexes built at the end) and
prints contributions/s, events included, and where the time went: the chunks
committed against the import's end (index builds and the rollups' recount), the CPU
of the loading process against PostgreSQL's (the embedded server's processes, the
parallel workers of its index builds that ended meanwhile included), and the
machine's load average (other work shares its cores). Then the rows the load
wrote (contributions and events, read back) are COPYed into tables of the same
columns without indexes, keys or triggers, on one connection: the ratio is the
load's rate to that bare COPY's. The chain is verified afterwards (not timed).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import psutil

from app import database
from bench.clock import Clock, Spent, peak_memory_mib, reset_peak_memory
from bench.common import scratch_database
from ledger.journal import chain as journal
from ledger.register.bulk import import_contributions
from ledger.register.models import NewContribution
from ledger.register.projects import ProjectInput, create_project

KINDS = [
    "code",
    "code",
    "code",
    "review",
    "doc",
    "bug",
    "translation",
    "test",
    "design",
    "question",
]
TARGET = 100_000
START = datetime(2020, 1, 1, tzinfo=UTC)
BARE_CHUNK = 20_000


def contributions(n: int, people: list[int]) -> Iterator[NewContribution]:
    """A deterministic, skewed history: the first 2% of the people do a third of the
    work, everyone takes part; one contribution every three minutes."""
    m, few, kinds = len(people), max(1, len(people) // 50), len(KINDS)
    at, step = START, timedelta(minutes=3)
    for i in range(n):
        # 7919 is prime: for m divisible by neither it nor 3, everyone takes part.
        who = people[(i * 7919) % m] if i % 3 else people[i % few]
        yield NewContribution(who, KINDS[i % kinds], at, "git", f"commit:{i:040x}")
        at += step


@dataclass(frozen=True, slots=True)
class Run:
    loaded: int
    seconds: float
    chunks: Spent
    end: Spent
    bare_contributions: float
    bare_events: float
    fast: bool
    deferred: bool
    contributors: int
    memory_mib: tuple[float, float]
    load: tuple[float, float]

    @property
    def rate(self) -> float:
        return self.loaded / self.seconds

    @property
    def bare_rate(self) -> float:
        return self.loaded / (self.bare_contributions + self.bare_events)


async def _bare_copy(conn: asyncpg.Connection, table: str, key: str, total: int) -> float:
    """Seconds to COPY ``table``'s rows into a bare table like it, chunk by chunk (only
    the COPY into the bare table is timed)."""
    await conn.execute(f"CREATE TABLE bare_{table} (LIKE {table})")
    low = await conn.fetchval(f"SELECT min({key}) FROM {table}")
    spent = 0.0
    for start in range(low, low + total + BARE_CHUNK, BARE_CHUNK):
        out = io.BytesIO()
        query = f"SELECT * FROM {table} WHERE {key} >= {start} AND {key} < {start + BARE_CHUNK}"
        await conn.copy_from_query(query, output=out)
        out.seek(0)
        began = time.perf_counter()
        await conn.copy_to_table(f"bare_{table}", source=out)
        spent += time.perf_counter() - began
    return spent


async def run(url: str, n: int, m: int, writers: int, chunk: int) -> Run:
    pool = await database.create_pool(url, min_size=1, max_size=writers + 2, command_timeout=600)
    try:
        async with pool.acquire() as conn, conn.transaction():
            project = await create_project(conn, ProjectInput("seed", "Seed"), "bench")
        names = io.BytesIO("".join(f"Contributor {i}\n" for i in range(m)).encode())
        await pool.copy_to_table("contributors", source=names, columns=["display_name"])
        people = [r[0] for r in await pool.fetch("SELECT id FROM contributors ORDER BY id")]
        load = os.getloadavg()[0]
        clock = Clock(url)
        resident = psutil.Process().memory_info().rss / 2**20
        reset_peak_memory()
        clock.mark()

        def chunk_done(size: int) -> None:
            clock.mark()

        result = await import_contributions(
            pool,
            project.id,
            "seed",
            contributions(n, people),
            "seed",
            writers=writers,
            chunk_size=chunk,
            first_import=True,
            progress=chunk_done,
        )
        clock.mark()
        peak = peak_memory_mib()
        last = len(clock.marks) - 2  # the last chunk's commit
        async with pool.acquire() as conn:
            taking_part = await conn.fetchval(
                "SELECT contributors FROM project_stats WHERE project_id = $1", project.id
            )
            await conn.execute("CHECKPOINT")
            bare_c = await _bare_copy(conn, "contributions", "id", n)
            bare_e = await _bare_copy(conn, "journal_events", "seq", n + 2)
            verify_started = time.perf_counter()
            check = await journal.verify(conn, project.id)
        print(
            f"  journal verify: {check.checked:,} events in "
            f"{time.perf_counter() - verify_started:.1f} s, ok={check.ok}"
        )
    finally:
        await pool.close()
    return Run(
        result.loaded, clock.between(0, -1).wall, clock.between(0, last), clock.between(last, -1),
        bare_c, bare_e, result.fast, result.deferred, taking_part, (resident, peak),
        (load, os.getloadavg()[0]),
    )  # fmt: skip


def _database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def runs(url: str, count: int, n: int, m: int, writers: int, chunk: int) -> list[Run]:
    done = []
    for i in range(count):
        name = f"seed_run_{i}"
        admin = await asyncpg.connect(url)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            await admin.execute(f"CREATE DATABASE {name}")
        finally:
            await admin.close()
        target = _database(url, name)
        await asyncio.to_thread(database.migrate, target)
        result = await run(target, n, m, writers, chunk)
        print(
            f"run {i + 1}: {result.loaded:,} contributions + events in {result.seconds:.2f} s"
            f" -> {result.rate:,.0f}/s; bare COPY of the same rows {result.bare_rate:,.0f}/s"
            f" (contributions {n / result.bare_contributions:,.0f}/s, events"
            f" {n / result.bare_events:,.0f}/s); ratio {result.rate / result.bare_rate:.2f}"
        )
        _profile(result)
        done.append(result)
    return done


def _profile(run: Run) -> None:
    """Where the run's time went, per stretch and per contribution."""
    us = 1e6 / run.loaded
    for name, spent in (("chunks committed", run.chunks), ("the end (indexes, recount)", run.end)):
        print(
            f"  {name}: {spent.wall:.2f} s; CPU per contribution: loader "
            f"{spent.loader * us:.1f} us, PostgreSQL {spent.connections * us:.1f} us on the "
            f"load's connections + {spent.background * us:.1f} us in the background "
            f"(checkpoints, WAL writer, I/O workers, autovacuum) + {spent.ended * us:.1f} us in "
            "processes that ended (parallel workers, autovacuum workers)"
        )
    cpu = sum(s.loader + s.connections + s.background + s.ended for s in (run.chunks, run.end))
    machine = run.chunks.machine + run.end.machine
    cores = psutil.cpu_count() or 1
    print(
        f"  {cpu:.1f} CPU seconds in {run.seconds:.1f} s on {cores} cores: "
        f"{cpu / run.seconds:.2f} cores busy with the load, {machine / run.seconds:.2f} with "
        f"everything; load average {run.load[0]:.2f} at the start, {run.load[1]:.2f} at the end"
    )
    print(
        f"  {run.contributors:,} contributors took part; the loading process's resident "
        f"memory: {run.memory_mib[0]:,.0f} MiB at the import's start, at most "
        f"{run.memory_mib[1]:,.0f} MiB during it"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=1_000_000)
    parser.add_argument("--contributors", type=int, default=20_000)
    parser.add_argument("--small", action="store_true", help="50,000 over 2,000")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--writers", type=int, default=2, help="connections writing chunks")
    parser.add_argument("--chunk", type=int, default=20_000, help="contributions per chunk")
    args = parser.parse_args()
    n, m = (50_000, 2_000) if args.small else (args.contributions, args.contributors)
    with scratch_database() as url:
        done = asyncio.run(runs(url, args.runs, n, m, args.writers, args.chunk))
    rate = statistics.median(r.rate for r in done)
    ratio = statistics.median(r.rate / r.bare_rate for r in done)
    first = done[0]
    print(f"loaded {n:,} contributions + {n:,} journal events over {m:,} contributors")
    print(
        f"  writers {args.writers}, chunks of {args.chunk:,}; key checks per chunk: {first.fast};"
        f" secondary indexes built at the end: {first.deferred}"
    )
    print(
        f"  median of {len(done)}: {rate:,.0f} contributions/s (events, rollups, credit included)"
    )
    print(f"  ratio to bare COPY of the same rows, same run: {ratio:.2f}")
    print(f"  ratio to the {TARGET:,}/s target: {rate / TARGET:.2f}x")


if __name__ == "__main__":
    main()
