"""Verify benchmark: a 10-million-event journal verified end to end by streaming its export
(``--small``: 200,000 events), beside raw SHA-256 over the same bytes in the same run.

    .venv/bin/python -m bench.verify [--small] [--events N]

Seeds one project with N contributions (one journal event each, through
``ledger.register.bulk``) spread over four years, signs its report for the last year
with no events embedded (the stored tree and head are built as the publisher would),
writes the journal export (``/projects/{slug}/journal.jsonl``'s lines) to a file, then
in a fresh process runs ``reports.verify.verify_report`` over that file: every line's
chain hash and leaf, the Merkle root against the signed head, every event decoded by
the catalogue and every figure of the report recomputed. The same process then hashes
the same file with plain SHA-256. Prints events/s and MB/s of both, their ratio, and
the verifier's peak memory (its resident set, sampled as it streams).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.progress import Progress

from app import database
from bench.common import scratch_database
from ledger.journal import export
from ledger.journal.keys import InstanceKeys
from ledger.register.bulk import bulk_load
from ledger.register.models import NewContribution
from ledger.register.projects import ProjectInput, create_project
from reports import service

KINDS = ["code", "code", "review", "doc", "bug", "translation", "test", "design", "question"]
START = datetime(2022, 1, 1, tzinfo=UTC)
YEARS = 4
PERIOD = "2025"
SLUG = "streamed"


def contributions(n: int, people: list[int]) -> Iterator[NewContribution]:
    """A deterministic, skewed history spread evenly over four years."""
    step = timedelta(days=365 * YEARS) / n
    m = len(people)
    for i in range(n):
        who = people[(i * i + 7 * i) % m] if i % 3 else people[i % max(1, m // 50)]
        yield NewContribution(who, KINDS[i % len(KINDS)], START + i * step, "git", f"c:{i:x}")


async def _seed(url: str, n: int, m: int) -> None:
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput(SLUG, "Streamed"), "bench")
        names = io.BytesIO("".join(f"Contributor {i}\n" for i in range(m)).encode())
        await conn.copy_to_table("contributors", source=names, columns=["display_name"])
        people = [r[0] for r in await conn.fetch("SELECT id FROM contributors ORDER BY id")]
        with Progress() as progress:
            task = progress.add_task("seeding", total=n)
            async with conn.transaction():
                await bulk_load(
                    conn, project.id, contributions(n, people), "bench",
                    progress=lambda k: progress.advance(task, k),
                )  # fmt: skip
    finally:
        await conn.close()


async def _report_and_export(url: str, folder: Path) -> tuple[Path, Path, Path, float]:
    keys = InstanceKeys.generate()
    pool = await database.create_pool(url, min_size=1, max_size=2, command_timeout=3600)
    try:
        started = time.perf_counter()
        body = await service.produce(pool, keys, SLUG, PERIOD, "json", embed_limit=0)
        built = time.perf_counter() - started
        report = folder / "report.json"
        report.write_bytes(body)
        (folder / "jwks.json").write_text(json.dumps(keys.jwks()))
        lines = folder / "journal.jsonl"
        async with pool.acquire() as conn, conn.transaction(readonly=True):
            project_id = await conn.fetchval("SELECT id FROM projects WHERE slug = $1", SLUG)
            span = await export.plan(conn, project_id, 1, None)
            with lines.open("wb") as out:
                async for chunk in export.chunks(conn, project_id, span):
                    out.write(chunk)
    finally:
        await pool.close()
    return report, folder / "jwks.json", lines, built


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(report_path: Path, jwks_path: Path, lines_path: Path) -> None:
    """Run in a fresh process: verify by streaming the file, then hash the same bytes."""
    from reports.verify import verify_report

    signed = json.loads(report_path.read_text())
    jwks = json.loads(jwks_path.read_text())
    size = signed["report"]["tree_head"]["tree_size"]
    samples: list[float] = []

    def lines() -> Iterator[bytes]:
        with lines_path.open("rb") as source:
            for i, line in enumerate(source, 1):
                if i % max(1, size // 4) == 0:
                    samples.append(_rss_mb())
                yield line

    before = _rss_mb()
    started = time.perf_counter()
    verdict = verify_report(signed, jwks, lines())
    verified = time.perf_counter() - started
    failed = [c for c in verdict.checks if not c[1]]
    started = time.perf_counter()
    digest = hashlib.sha256()
    with lines_path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    hashed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    megabytes = lines_path.stat().st_size / 1e6
    print(f"journal export: {size:,} events, {megabytes:,.0f} MB of JSON Lines")
    print(f"  verdict: {'verified' if verdict.ok else 'NOT verified'} "
          f"({len(verdict.checks)} checks, {len(failed)} failed) {failed[:3]}")  # fmt: skip
    print(f"  verify (chain, leaves, root, decode, every figure): {verified:.1f} s -> "
          f"{size / verified:,.0f} events/s, {megabytes / verified:,.1f} MB/s")  # fmt: skip
    print(f"  raw SHA-256 over the same bytes:                    {hashed:.1f} s -> "
          f"{size / hashed:,.0f} events/s, {megabytes / hashed:,.1f} MB/s")  # fmt: skip
    print(f"  ratio: verify takes {verified / hashed:.1f}x the time of raw SHA-256")
    print(f"  verifier memory: {before:,.0f} MB before, {', '.join(f'{s:,.0f}' for s in samples)}"
          f" MB at each quarter of the stream, peak {peak:,.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="200,000 events")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--contributors", type=int, default=20_000)
    parser.add_argument("--measure", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    n, m = (200_000, 2_000) if args.small else (args.events, args.contributors)
    with scratch_database() as url, tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        started = time.perf_counter()
        asyncio.run(_seed(url, n, m))
        print(f"seeded {n:,} contributions over {m:,} contributors in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        report, jwks, lines, built = asyncio.run(_report_and_export(url, Path(tmp)))
        print(f"signed the {PERIOD} report (no events embedded; tree hashed) in {built:.0f} s")
        command = [sys.executable, "-m", "bench.verify", "--measure", str(report), str(jwks),
                   str(lines)]  # fmt: skip
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
