"""Seed benchmark: N contributions over M contributors with their journal events.

    .venv/bin/python -m bench.seed                # 1,000,000 over 20,000
    .venv/bin/python -m bench.seed --small        # 50,000 over 2,000

Prints contributions/s including journal events (hashed with RFC 8785 canonical JSON),
against the target of 100,000/s, and the time to verify the chain afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from rich.progress import Progress

from app import database
from bench.common import scratch_database
from ledger.journal import chain as journal
from ledger.register.bulk import bulk_load
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


def contributions(n: int, people: list[int]) -> Iterator[NewContribution]:
    """A deterministic, skewed history: a few people do most of the work."""
    m = len(people)
    for i in range(n):
        who = people[(i * i + 7 * i) % m] if i % 3 else people[i % max(1, m // 50)]
        yield NewContribution(
            who, KINDS[i % len(KINDS)], START + timedelta(minutes=3 * i), "git", f"commit:{i:040x}"
        )


async def run(url: str, n: int, m: int) -> None:
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput("seed", "Seed"), "bench")
        names = io.BytesIO("".join(f"Contributor {i}\n" for i in range(m)).encode())
        await conn.copy_to_table("contributors", source=names, columns=["display_name"])
        people = [r[0] for r in await conn.fetch("SELECT id FROM contributors ORDER BY id")]
        with Progress() as progress:
            task = progress.add_task("contributions", total=n)
            started = time.perf_counter()
            async with conn.transaction():
                loaded = await bulk_load(
                    conn,
                    project.id,
                    contributions(n, people),
                    "seed",
                    progress=lambda k: progress.advance(task, k),
                )
            elapsed = time.perf_counter() - started
        verify_started = time.perf_counter()
        check = await journal.verify(conn, project.id)
        verify_elapsed = time.perf_counter() - verify_started
    finally:
        await conn.close()
    rate = loaded / elapsed
    print(f"loaded {loaded:,} contributions + {loaded:,} journal events over {m:,} contributors")
    print(f"  {elapsed:.2f} s  ->  {rate:,.0f} contributions/s (events included)")
    print(f"  ratio to the {TARGET:,}/s target: {rate / TARGET:.2f}x")
    print(f"  journal verify: {check.checked:,} events in {verify_elapsed:.2f} s, ok={check.ok}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=1_000_000)
    parser.add_argument("--contributors", type=int, default=20_000)
    parser.add_argument("--small", action="store_true", help="50,000 over 2,000")
    args = parser.parse_args()
    n, m = (50_000, 2_000) if args.small else (args.contributions, args.contributors)
    with scratch_database() as url:
        asyncio.run(run(url, n, m))


if __name__ == "__main__":
    main()
