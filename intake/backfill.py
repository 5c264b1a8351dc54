"""Git history backfill: stream ``git log --all`` (each commit once, every branch and
tag) and record authors and co-authors as code contributions, sign-offs as DCO
evidence, in large batches that each commit on their own.

Memory stays flat: git's output is read in chunks and parsed into bounded batches
while git keeps running. Re-running adds nothing (natural keys ``git:<sha>``); an
interrupted import resumes by running it again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import asyncpg

from intake.commits import commit_contributions
from intake.payload import Activity, Options
from intake.record import record_activities
from ledger.kernel.errors import InvalidInput

RECORD = b"\x1e"
# A record: RS, then sha NUL name NUL email NUL author date NUL message NUL, then numstat lines.
FORMAT = "--format=%x1e%H%x00%an%x00%ae%x00%aI%x00%B%x00"
CHUNK = 1 << 20
_PROGRESS = """
INSERT INTO git_imports (project_id, repository, commits, recorded) VALUES ($1, $2, $3, $4)
ON CONFLICT (project_id, repository) DO UPDATE SET
    commits = git_imports.commits + excluded.commits,
    recorded = git_imports.recorded + excluded.recorded,
    finished_at = NULL
"""
_FINISHED = """
UPDATE git_imports SET finished_at = clock_timestamp() WHERE project_id = $1 AND repository = $2
"""


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit as ``git log`` printed it."""

    sha: str
    name: str
    email: str
    authored_at: datetime
    message: str
    added: int | None = None
    deleted: int | None = None
    files: int | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    """How many commits were read and how many contributions were new."""

    commits: int
    recorded: int


def git_log_command(path: Path, numstat: bool, since: str | None) -> list[str]:
    """The ``git log`` invocation (also what the benchmark times on its own)."""
    command = ["git", "-C", str(path), "log", "--all", "--no-color", "--no-renames", FORMAT]
    if numstat:
        command.append("--numstat")
    if since:
        command.append(f"--since={check_since(since)}")
    return command


def check_since(since: str) -> str:
    """An ISO date (``2024-01-31``); InvalidInput otherwise."""
    try:
        return date.fromisoformat(since).isoformat()
    except ValueError:
        raise InvalidInput("--since must be a date like 2024-01-31", "since") from None


def _numstat(text: str) -> tuple[int, int, int]:
    added = deleted = files = 0
    for line in text.splitlines():
        parts = line.split("\t", 2)
        if len(parts) != 3:
            continue
        files += 1
        added += int(parts[0]) if parts[0].isdigit() else 0
        deleted += int(parts[1]) if parts[1].isdigit() else 0
    return added, deleted, files


def parse_record(record: str, numstat: bool) -> Commit | None:
    """A commit from one record of ``FORMAT`` output; None for an empty record."""
    fields = record.split("\x00", 5)
    if len(fields) < 5:
        return None
    sha, name, email, when, message = fields[:5]
    at = datetime.fromisoformat(when)
    if not numstat:
        return Commit(sha, name, email, at, message)
    added, deleted, files = _numstat(fields[5] if len(fields) > 5 else "")
    return Commit(sha, name, email, at, message, added, deleted, files)


async def read_commits(
    command: list[str], numstat: bool, batch: int
) -> AsyncIterator[list[Commit]]:
    """Batches of commits from a running ``git log`` (raises InvalidInput if git fails)."""
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stderr is not None
    tail = b""
    pending: list[Commit] = []
    try:
        while chunk := await process.stdout.read(CHUNK):
            records = (tail + chunk).split(RECORD)
            tail = records.pop()
            for record in records:
                commit = parse_record(record.decode("utf-8", "replace"), numstat)
                if commit is not None:
                    pending.append(commit)
            if len(pending) >= batch:
                yield pending
                pending = []
        last = parse_record(tail.decode("utf-8", "replace"), numstat)
        if last is not None:
            pending.append(last)
        if pending:
            yield pending
        error = (await process.stderr.read()).decode("utf-8", "replace").strip()
        if await process.wait() != 0:
            raise InvalidInput(f"git log failed: {error[:500]}", "path")
    finally:
        if process.returncode is None:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()


def activities_of(commits: list[Commit], options: Options) -> list[Activity]:
    """Every commit's author and co-authors as code activities (numstat in metadata)."""
    found: list[Activity] = []
    for c in commits:
        if "@" not in c.email:
            continue
        made = commit_contributions(
            c.sha, c.message, c.name, c.email, None, c.authored_at, None, options
        )
        if c.added is not None:
            made[0].metadata.update(added=c.added, deleted=c.deleted, files=c.files)
        found += made
    return found


async def count_commits(path: Path, since: str | None) -> int:
    """How many commits the import will read (for a progress bar)."""
    command = ["git", "-C", str(path), "rev-list", "--all", "--count"]
    if since:
        command.append(f"--since={check_since(since)}")
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise InvalidInput(f"not a git repository: {err.decode().strip()[:300]}", "path")
    return int(out.strip() or 0)


async def import_git(
    pool: asyncpg.Pool,
    project_id: int,
    path: Path,
    *,
    numstat: bool = False,
    since: str | None = None,
    batch: int = 4_000,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a repository's history into a project; each batch commits on its own."""
    repository = str(await asyncio.to_thread(path.resolve))
    settings = await pool.fetchval("SELECT settings FROM projects WHERE id = $1", project_id)
    options = Options.of(settings or {})
    commits = recorded = 0
    stream = read_commits(git_log_command(path, numstat, since), numstat, batch)
    async for chunk, activities in _ahead(stream, lambda c: activities_of(c, options)):
        async with pool.acquire() as conn, conn.transaction():
            new = await record_activities(
                conn, project_id, activities, "git", "import:git", bulk=True
            )
            await conn.execute(_PROGRESS, project_id, repository, len(chunk), new)
        commits += len(chunk)
        recorded += new
        if progress is not None:
            progress(len(chunk))
    await pool.execute(_FINISHED, project_id, repository)
    return ImportResult(commits, recorded)


Prepared = tuple[list[Commit], list[Activity]]


async def _ahead(
    stream: AsyncIterator[list[Commit]], prepare: Callable[[list[Commit]], list[Activity]]
) -> AsyncIterator[Prepared]:
    """Read and map the next batch while the current one is being written: git, this
    process and PostgreSQL work at the same time (one batch ahead)."""
    queue: asyncio.Queue[Prepared | BaseException | None] = asyncio.Queue(maxsize=1)

    async def pump() -> None:
        try:
            async for item in stream:
                await queue.put((item, prepare(item)))
            await queue.put(None)
        except Exception as exc:  # handed to the consumer
            await queue.put(exc)

    task = asyncio.create_task(pump())
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
