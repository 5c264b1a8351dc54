"""Git history backfill throughput: commits/s end to end into PostgreSQL, beside the
raw ``git log`` runs the import makes (the history, and the merges' combined diffs),
in one run; then the history's totals as ``git log`` gives them beside what was
recorded.

    .venv/bin/python -m bench.backfill [--small] [--repo PATH] [--no-merge-diffs] [--runs N]

Without ``--repo`` a repository of ~30,000 commits (3,000 with ``--small``) is
generated with ``git fast-import``: 400 authors, 3 branches and tags, sign-offs and
co-authors on some commits, 1-3 files changed per commit. Targets: >= 20,000
commits/s without diff stats; with ``--numstat`` >= 0.9x the raw ``git log --numstat``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app import database
from bench.common import scratch_database
from bench.git_totals import NAMES, git_totals, ledger_totals
from intake.backfill import ImportResult, import_git
from intake.gitlog import git_log_command, merge_diff_command, refs_arguments
from ledger.register.projects import ProjectInput, create_project

GIT_ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def make_repository(path: Path, commits: int, seed: int = 7) -> None:
    """A synthetic repository of ``commits`` commits, written with ``git fast-import``."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=GIT_ENV)
    authors = [(f"Author {i}", f"author{i}@example.org") for i in range(400)]
    stream: list[bytes] = []
    start = 1_500_000_000
    branches = ["main", "develop", "release"]
    for n in range(1, commits + 1):
        name, email = rng.choice(authors)
        branch = branches[0] if n < 10 or rng.random() < 0.8 else rng.choice(branches[1:])
        message = f"Change {n}: adjust module {n % 97}\n"
        if rng.random() < 0.3:
            message += f"\nSigned-off-by: {name} <{email}>\n"
        if rng.random() < 0.1:
            co = rng.choice(authors)
            message += f"Co-authored-by: {co[0]} <{co[1]}>\n"
        when = start + n * 600
        stream.append(f"commit refs/heads/{branch}\nmark :{n}\n".encode())
        stream.append(f"author {name} <{email}> {when} +0000\n".encode())
        stream.append(f"committer {name} <{email}> {when} +0000\n".encode())
        stream.append(_data(message))
        if n > 1:
            stream.append(f"from :{n - 1}\n".encode())
        for _ in range(rng.randint(1, 3)):
            body = "\n".join(f"line {rng.randint(0, 10**6)}" for _ in range(rng.randint(1, 20)))
            stream.append(f"M 100644 inline src/mod{rng.randint(0, 300)}.txt\n".encode())
            stream.append(_data(body))
        if n % 5000 == 0:
            stream.append(f"reset refs/tags/v{n // 5000}\nfrom :{n}\n\n".encode())
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"],
        input=b"".join(stream),
        check=True,
        env=GIT_ENV,
    )


def _drain(command: list[str]) -> int:
    """Run ``command``, read its output fully; its size."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    size = 0
    while chunk := process.stdout.read(1 << 20):
        size += len(chunk)
    if process.wait() != 0:
        raise RuntimeError(f"{' '.join(command[3:6])}... failed")
    return size


def _has_merges(path: Path) -> bool:
    """Whether the refs an import reads hold a merge (the import's merge diffs start at
    the first one)."""
    command = ["git", "-C", str(path), "rev-list", *refs_arguments(()), "--merges", "-n1"]
    found = subprocess.run(command, capture_output=True, check=True, env=GIT_ENV)
    return bool(found.stdout.strip())


def raw_git_log(path: Path, numstat: bool, merge_diffs: bool) -> tuple[float, int]:
    """Seconds for the bare ``git log`` runs of an import (side by side, as the import
    runs them: the merges' diffs only when the history has a merge), their output read
    fully; and its size."""
    commands = [git_log_command(path, numstat, None)]
    if merge_diffs and _has_merges(path):
        commands.append(merge_diff_command(path, None))
    began = time.perf_counter()
    with ThreadPoolExecutor(len(commands)) as pool:
        size = sum(pool.map(_drain, commands))
    return time.perf_counter() - began, size


async def timed_import(
    url: str, slug: str, path: Path, numstat: bool, merge_diffs: bool
) -> tuple[float, ImportResult, dict[str, int], dict[str, int]]:
    """Seconds and result of one import into a new project, then the totals of git and
    of the ledger."""
    pool = await database.create_pool(url, min_size=1, max_size=4)
    try:
        async with pool.acquire() as conn, conn.transaction():
            project = await create_project(conn, ProjectInput(slug, slug), "bench")
        began = time.perf_counter()
        result = await import_git(pool, project.id, path, numstat=numstat, merge_diffs=merge_diffs)
        elapsed = time.perf_counter() - began
        again = await import_git(pool, project.id, path, numstat=numstat, merge_diffs=merge_diffs)
        assert again.recorded == 0, "re-import must add nothing"
        recorded, code_merges = await ledger_totals(pool, project.id)
        counted = await asyncio.to_thread(git_totals, path, numstat, code_merges)
        return elapsed, result, counted, recorded
    finally:
        await pool.close()


def _totals(git: dict[str, int], ledger: dict[str, int], numstat: bool) -> str:
    names = NAMES if numstat else NAMES[:4]
    rows = [
        f"    {n:<14} git log {git[n]:>12,}   ledger {ledger[n]:>12,}   "
        + ("same" if git[n] == ledger[n] else "DIFFERENT")
        for n in names
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="3,000 commits instead of 30,000")
    parser.add_argument("--repo", type=Path, default=None, help="an existing repository")
    parser.add_argument(
        "--no-merge-diffs", action="store_true", help="import without the merges' diffs"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="pairs of raw git log and import, then medians"
    )
    args = parser.parse_args()
    merge_diffs = not args.no_merge_diffs
    with tempfile.TemporaryDirectory(prefix="commons-backfill-") as tmp:
        path = args.repo
        if path is None:
            path = Path(tmp) / "repo"
            count = 3_000 if args.small else 30_000
            began = time.perf_counter()
            make_repository(path, count)
            print(f"generated {count} commits in {time.perf_counter() - began:.1f}s at {path}")
        with scratch_database() as url:
            for numstat in (False, True):
                _measure(url, path, numstat, merge_diffs, args.runs)


def _measure(url: str, path: Path, numstat: bool, merge_diffs: bool, runs: int) -> None:
    """``runs`` pairs of a raw ``git log`` and an import into a new project, one after the
    other; each pair's figures, then the medians (a shared machine's speed drifts:
    pairs taken close together keep the ratio fair)."""
    label = "--numstat" if numstat else "plain"
    rates: list[float] = []
    ratios: list[float] = []
    for run in range(1, runs + 1):
        try:
            raw, size = raw_git_log(path, numstat, merge_diffs)
        except RuntimeError as exc:  # e.g. a snapshot without its largest blobs
            print(f"[{label}] skipped: {exc}")
            return
        slug = ("bench-numstat" if numstat else "bench-plain") + (f"-{run}" if run > 1 else "")
        took, result, git, ledger = asyncio.run(timed_import(url, slug, path, numstat, merge_diffs))
        rate, raw_rate = result.commits / took, result.commits / raw
        rates.append(rate)
        ratios.append(rate / raw_rate)
        print(
            f"[{label}] git log: {raw:.2f}s ({raw_rate:,.0f} commits/s, {size / 1e6:.1f} MB)"
            f" | import: {took:.2f}s ({rate:,.0f} commits/s, {result.recorded:,} "
            f"contributions) | ratio import/raw speed: {rate / raw_rate:.2f}x"
        )
        if run == 1:
            print(_totals(git, ledger, numstat))
            print(
                f"    import: {result.merges:,} merges without changes of their own, "
                f"{result.unaddressed:,} commits by authors without a usable email, "
                f"{result.assistants:,} AI assistants' contributions uncounted, "
                f"{result.mailmap_links:,} .mailmap pairs"
            )
        elif git != ledger:
            print(_totals(git, ledger, numstat))
    if runs > 1:
        print(
            f"[{label}] median of {runs}: import {statistics.median(rates):,.0f} commits/s, "
            f"ratio import/raw speed {statistics.median(ratios):.2f}x"
        )


if __name__ == "__main__":
    main()
