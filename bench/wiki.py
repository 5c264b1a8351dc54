"""MediaWiki dump import throughput: revisions/s end to end into PostgreSQL, beside
``mwxml`` alone reading the same dump, in one run.

    .venv/bin/python -m bench.wiki [--small] [--dump PATH] [--wiki NAME]

Without ``--dump`` a dump of ~30,000 revisions (3,000 with ``--small``) is generated
and bz2-compressed: 1,500 pages of ~20 revisions, 500 editors, anonymous edits, bots,
vandalism and its reverts. The ratio is import speed over bare ``mwxml`` speed (reading
every revision's id, editor and sha1, in one process): 1.0x is an import as fast as
parsing. The import parses the dump's pieces in a process per core
(``intake.wiki.parse``), so on more than one core it can beat one process parsing.

Wall-clock speed depends on what else the machine runs, so the CPU seconds of each
side are printed too (sampled from the processes every 0.1 s: this process, the dump
reader and parsers it starts, and PostgreSQL's processes): ``mwxml``'s CPU over the
import's is the ratio a machine with a core for every process would show at best
when parsing on one core.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import mwxml
import psutil

from app import database
from bench.common import scratch_database
from intake.wiki.dump import open_dump
from intake.wiki.importer import WikiImport, import_dump
from intake.wiki.writer import Saved, WikiInfo, WikiPage, write_dump
from ledger.register.projects import ProjectInput, create_project

INFO = WikiInfo("Bench Wiki", "benchwiki", "https://bench.example.org/wiki/Main_Page")
TERMS = "CC-BY-SA-4.0"


def make_dump(path: Path, revisions: int, seed: int = 7) -> int:
    """A synthetic wiki history of about ``revisions`` revisions, written to ``path``."""
    rng = random.Random(seed)
    editors = [(f"Editor {i}", i + 100) for i in range(500)]
    editors += [(f"Helper{i}bot", i + 10) for i in range(5)]
    start = datetime(2015, 1, 1, tzinfo=UTC)
    pages, rev = [], 1
    for page_id in range(1, revisions // 20 + 1):
        text = f"Page {page_id}."
        saved: list[Saved] = []
        history: list[str] = []
        for _ in range(rng.randint(10, 30)):
            at = start + timedelta(minutes=rev * 7)
            if rng.random() < 0.05 and history:  # vandalism, reverted next
                saved.append(Saved(rev, at, text + " !!!", ip=f"192.0.2.{rng.randint(1, 254)}"))
                rev += 1
                who = editors[-1] if rng.random() < 0.5 else rng.choice(editors)
                saved.append(Saved(rev, at, text, user=who[0], user_id=who[1]))
            else:
                text += f" Fact {rng.randint(0, 10**6)}."
                who = rng.choice(editors)
                if rng.random() < 0.05:
                    saved.append(Saved(rev, at, text, ip=f"198.51.100.{rng.randint(1, 254)}"))
                else:
                    saved.append(Saved(rev, at, text, user=who[0], user_id=who[1]))
            history.append(text)
            rev += 1
        pages.append(WikiPage(page_id, rng.choice((0, 0, 0, 1, 10)), f"Page {page_id}", saved))
    return write_dump(path, INFO, pages)


class CpuMeter:
    """CPU seconds (user + system) spent by the processes of some trees while it runs:
    each tree's root and everything below it, sampled so that a process which ends in
    between is counted up to its last sample."""

    def __init__(self, roots: dict[str, psutil.Process], every: float = 0.1) -> None:
        self.roots = roots
        self.every = every
        self._first: dict[int, float] = {}
        self._last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for name, root in self.roots.items():
            with contextlib.suppress(psutil.Error):
                for process in (root, *root.children(recursive=True)):
                    with contextlib.suppress(psutil.Error):
                        times = process.cpu_times()
                        self._last[process.pid] = (name, times.user + times.system)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def __enter__(self) -> CpuMeter:
        self._sample()
        self._first = {pid: seconds for pid, (_, seconds) in self._last.items()}
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def seconds(self) -> dict[str, float]:
        """CPU seconds per tree, the root's own apart (``<name>:root``)."""
        spent: dict[str, float] = {}
        for pid, (name, seconds) in self._last.items():
            label = f"{name}:root" if pid == self.roots[name].pid else name
            spent[label] = spent.get(label, 0.0) + seconds - self._first.get(pid, 0.0)
        return spent


async def postgres_of(url: str) -> psutil.Process:
    """The postmaster of the server behind ``url`` (the parent of a backend)."""
    conn = await asyncpg.connect(url)
    try:
        parent = psutil.Process(await conn.fetchval("SELECT pg_backend_pid()")).parent()
    finally:
        await conn.close()
    assert parent is not None, "a backend always has its postmaster"
    return parent


@contextlib.contextmanager
def metered(postgres: psutil.Process) -> Iterator[CpuMeter]:
    """A meter of this process and its children, and of PostgreSQL's processes."""
    with CpuMeter({"here": psutil.Process(), "postgres": postgres}) as meter:
        yield meter


def bare_mwxml(path: Path) -> tuple[float, int]:
    """Seconds for ``mwxml`` alone to read every revision's id, editor and sha1."""
    began = time.perf_counter()
    count = 0
    with open_dump(path) as (stream, _):
        for page in mwxml.Dump.from_file(stream).pages:
            for revision in page:
                _ = (revision.id, revision.user, revision.sha1, revision.timestamp)
                count += 1
    return time.perf_counter() - began, count


async def timed_import(
    url: str, path: Path, wiki: str | None, postgres: psutil.Process
) -> tuple[float, WikiImport, dict[str, float]]:
    """Seconds, what was imported into a new project, and the CPU seconds it took."""
    pool = await database.create_pool(url, min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn, conn.transaction():
            project = await create_project(conn, ProjectInput("bench-wiki", "Bench"), "bench")
        with metered(postgres) as meter:
            began = time.perf_counter()
            result = await import_dump(pool, project, path, wiki=wiki, terms=TERMS)
            elapsed = time.perf_counter() - began
        again = await import_dump(pool, project, path, wiki=wiki)
        assert again.recorded == 0, "re-import must add nothing"
        return elapsed, result, meter.seconds()
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="3,000 revisions, not 30,000")
    parser.add_argument("--dump", type=Path, default=None, help="an existing dump")
    parser.add_argument("--wiki", default=None, help="the dump's wiki name (default: dbname)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="commons-wiki-") as tmp:
        path = args.dump
        if path is None:
            path = Path(tmp) / "benchwiki-pages-meta-history.xml.bz2"
            began = time.perf_counter()
            count = make_dump(path, 3_000 if args.small else 30_000)
            took = time.perf_counter() - began
            print(f"generated {count:,} revisions in {took:.1f}s ({path.stat().st_size:,} bytes)")
        with scratch_database() as url:
            postgres = asyncio.run(postgres_of(url))
            with metered(postgres) as alone:
                bare, read = bare_mwxml(path)
            took, result, spent = asyncio.run(timed_import(url, path, args.wiki, postgres))
            revisions, recorded, grants = result.revisions, result.recorded, result.grants
            assert read == revisions, "the import must read every revision mwxml reads"
            bare_cpu = alone.seconds().get("here:root", 0.0)
            importer, reader = spent.get("here:root", 0.0), spent.get("here", 0.0)
            database = spent.get("postgres", 0.0) + spent.get("postgres:root", 0.0)
            cpu = importer + reader + database
            print(
                f"CPU seconds: mwxml alone {bare_cpu:.2f} | import {cpu:.2f} (importer"
                f" {importer:.2f}, dump reader {reader:.2f}, PostgreSQL {database:.2f})"
                f" | ratio mwxml/import CPU: {bare_cpu / cpu:.2f}x"
            )
            rate, bare_rate = revisions / took, read / bare
            print(
                f"mwxml alone: {bare:.2f}s ({bare_rate:,.0f} revisions/s)"
                f" | import: {took:.2f}s ({rate:,.0f} revisions/s, {recorded:,} contributions,"
                f" {grants:,} terms grants) | ratio import/mwxml speed: {rate / bare_rate:.2f}x"
            )


if __name__ == "__main__":
    main()
