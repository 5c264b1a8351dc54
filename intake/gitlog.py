"""Reading a repository's history from ``git log``: which refs, the record format, and a
reader that hands over bounded batches while git keeps running.

Which history (``refs_arguments``): by default the branches, the tags and the
branches of the remote ``origin`` (what a working clone fetched), never
``refs/pull/*``, ``refs/notes/*`` or other hidden refs a mirror clone carries; one or
more ``--refs`` patterns (git's ``--glob``) choose otherwise.

Merge commits are told apart by their parents. Whether a merge has changes of its
own is git's dense combined diff (``git log --cc``): empty for a clean merge, not
empty for a conflict resolution or an evil merge; ``MergeDiffs`` reads it from a
second ``git log --merges`` walking the same refs in the same order, started at the
history's first merge (a linear history never walks it: about 40% of git's work).

The reader is a plain object (no async generator), so that cancelling an import at
any await (a signal) closes git at once and leaves nothing to finalise.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

import msgspec

from ledger.kernel.errors import InvalidInput

RECORD = b"\x1e"
_NUMSTAT_LINE = re.compile(r"^([^\t\n]*)\t([^\t\n]*)\t", re.MULTILINE)
# A record: RS, then sha NUL parents NUL author name NUL author email NUL committer name
# NUL committer email NUL author date NUL message NUL, then the numstat lines.
FORMAT = "--format=%x1e%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%aI%x00%B%x00"
DEFAULT_REFS = ("--branches", "--tags", "--remotes=origin")
CHUNK = 1 << 20
_FIELDS = 8


class Commit(msgspec.Struct, frozen=True, gc=False):
    """One commit as ``git log`` printed it (``parents`` > 1: a merge; a Struct, made
    for every commit a history holds)."""

    sha: str
    parents: int
    name: str
    email: str
    committer_name: str
    committer_email: str
    authored_at: datetime
    message: str
    added: int | None = None
    deleted: int | None = None
    files: int | None = None


def check_since(since: str) -> str:
    """An ISO date (``2024-01-31``) as git's ``--since`` argument for its first instant
    in UTC (git reads a bare date as that day at the current time); InvalidInput
    otherwise."""
    try:
        return f"--since={date.fromisoformat(since).isoformat()}T00:00:00Z"
    except ValueError:
        raise InvalidInput("--since must be a date like 2024-01-31", "since") from None


def refs_arguments(refs: Sequence[str] = ()) -> list[str]:
    """git's revision arguments: the default refs, or one ``--glob`` per pattern."""
    if not refs:
        return list(DEFAULT_REFS)
    for pattern in refs:
        if not pattern.startswith("refs/") or any(c in pattern for c in " \t\n\0"):
            raise InvalidInput(f"--refs {pattern!r} must be a pattern like refs/heads/*", "refs")
    return [f"--glob={pattern}" for pattern in refs]


def git_log_command(
    path: Path, numstat: bool, since: str | None, refs: Sequence[str] = ()
) -> list[str]:
    """The ``git log`` invocation (also what the benchmark times on its own)."""
    command = ["git", "-C", str(path), "log", *refs_arguments(refs), "--no-color", "--no-renames"]
    command.append(FORMAT)
    if numstat:
        command.append("--numstat")
    if since:
        command.append(check_since(since))
    return command


def merge_diff_command(path: Path, since: str | None, refs: Sequence[str] = ()) -> list[str]:
    """``git log`` of the same refs' merges with their dense combined diffs."""
    command = ["git", "-C", str(path), "log", *refs_arguments(refs), "--merges", "--no-color"]
    command += ["--cc", "-p", "--format=%x1e%H", "--no-ext-diff", "-U0"]
    if since:
        command.append(check_since(since))
    return command


def count_command(path: Path, since: str | None, refs: Sequence[str] = ()) -> list[str]:
    """``git rev-list --count`` of the same commits (the progress bar's total)."""
    command = ["git", "-C", str(path), "rev-list", *refs_arguments(refs), "--count"]
    if since:
        command.append(check_since(since))
    return command


def _numstat(text: str) -> tuple[int, int, int]:
    """Lines added and deleted, and files changed (a binary file's counts are ``-``)."""
    found = _NUMSTAT_LINE.findall(text)
    added = sum(int(a) for a, _ in found if a.isascii() and a.isdigit())
    deleted = sum(int(d) for _, d in found if d.isascii() and d.isdigit())
    return added, deleted, len(found)


def parse_record(record: str, numstat: bool) -> Commit | None:
    """A commit from one record of ``FORMAT`` output; None for an empty record.

    Raises ValueError when the record is not readable (the caller reports it)."""
    fields = record.split("\x00", _FIELDS)
    if len(fields) < _FIELDS:
        if record.strip():
            raise ValueError("a truncated git log record")
        return None
    sha, parents, name, email, c_name, c_email, when, message = fields[:_FIELDS]
    at = datetime.fromisoformat(when)
    count = len(parents.split())
    if not numstat:
        return Commit(sha, count, name, email, c_name, c_email, at, message)
    added, deleted, files = _numstat(fields[_FIELDS] if len(fields) > _FIELDS else "")
    return Commit(sha, count, name, email, c_name, c_email, at, message, added, deleted, files)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A record that could not be read as a commit, and why."""

    sha: str
    reason: str


class GitProcess:
    """A running git command whose standard output is read in records (RS-separated);
    closing it (or leaving ``async with``) kills git if it is still running."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self._process: asyncio.subprocess.Process | None = None
        self._tail = b""
        self._records: list[bytes] = []
        self._done = False

    async def start(self) -> None:
        """Run git (once)."""
        if self._process is None:
            self._process = await asyncio.create_subprocess_exec(
                *self.command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )

    async def __aenter__(self) -> GitProcess:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop git if it still runs, and reap it (even while being cancelled)."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await asyncio.shield(self._reap(process))

    @staticmethod
    async def _reap(process: asyncio.subprocess.Process) -> None:
        """Read what a killed git left in its pipes, then wait for it: asyncio reports
        a process's exit only once its pipes are closed, and a pipe whose reading is
        paused (a full buffer nobody reads) never closes by itself."""
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                while await stream.read(CHUNK):
                    pass
        await process.wait()

    async def records(self) -> list[bytes] | None:
        """The next complete records (at least one), or None once git has finished;
        raises InvalidInput when git failed."""
        process = self._process
        assert process is not None
        assert process.stdout is not None
        assert process.stderr is not None
        while not self._done:
            chunk = await process.stdout.read(CHUNK)
            if not chunk:
                self._done = True
                last, self._tail = self._tail, b""
                error = (await process.stderr.read()).decode("utf-8", "replace").strip()
                if await process.wait() != 0:
                    raise InvalidInput(f"git log failed: {error[:500]}", "path")
                return [last] if last.strip(RECORD) else None
            parts = (self._tail + chunk).split(RECORD)
            self._tail = parts.pop()
            found = [p for p in parts if p]
            if found:
                return found
        return None


class MergeDiffs:
    """Which merges have changes of their own, read in step with the main ``git log``
    (both walk the same refs in the same order, this one only the merges); its git
    starts when the first merge is asked about (the caller closes it)."""

    def __init__(self, process: GitProcess | None) -> None:
        self._process = process
        self._ready: list[tuple[str, bool]] = []

    async def own_changes(self, sha: str) -> bool:
        """True when merge ``sha`` has a non-empty dense combined diff (False when the
        import does not read merge diffs)."""
        if self._process is None:
            return False
        await self._process.start()
        while not self._ready:
            records = await self._process.records()
            if records is None:
                raise InvalidInput(f"git log --merges ended before merge {sha}", "path")
            for record in records:
                head, _, diff = record.partition(b"\n")
                self._ready.append((head.decode().strip(), b"\ndiff --cc " in b"\n" + diff))
            self._ready.reverse()
        seen, changed = self._ready.pop()
        if seen != sha:
            raise InvalidInput(f"git log --merges walked {seen} where {sha} was expected", "path")
        return changed
