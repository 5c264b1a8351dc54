"""Git history backfill: stream ``git log`` over the refs git means (``intake.gitlog``)
and record authors and co-authors as code contributions, sign-offs as DCO evidence, in
large batches that each commit on their own.

- Every commit read is accounted for once: it becomes contributions (``git:<sha>``),
  or a row of ``git_skipped_commits`` saying why not (a merge without changes of its
  own under the project's ``intake_merge_commits`` policy ``skip``; a record git printed
  that could not be read). ``git_imports.commits`` counts distinct commits across reruns.
- A merge without changes of its own is not a code contribution: with the policy
  ``maintenance`` it is credited as ``maintenance`` to its committer. A merge whose
  dense combined diff is not empty is code by its author.
- An author whose email cannot be an address is recorded under a normalised identity
  (``intake.commits``) and counted in the result, never dropped.
- A repository's ``.mailmap`` gives display names and pairs of identities of one person
  (``intake.mailmap``): suggestions, or merges when the project opts in.

Memory stays flat: git's output is read in chunks and parsed into bounded batches while
git keeps running, one batch ahead of the database. Re-running adds nothing; an
interrupted import (any signal, any await) rolls back its open batch only, closes git,
and resumes by running it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from intake import mailmap as mailmaps
from intake.commits import commit_actor, commit_contributions
from intake.gitlog import (
    Commit,
    GitProcess,
    MergeDiffs,
    count_command,
    git_log_command,
    merge_diff_command,
    parse_record,
)
from intake.payload import Activity, Actor, Options
from intake.record import record_activities
from intake.trailers import usable_address
from ledger.kernel import pseudonyms
from ledger.kernel.errors import InvalidInput
from ledger.kernel.heap import in_bulk
from ledger.kernel.pseudonyms import Pseudonyms
from ledger.register.bulk.write import defer_flush

_PROGRESS = """
INSERT INTO git_imports (project_id, repository, commits, recorded) VALUES ($1, $2, $3, $4)
ON CONFLICT (project_id, repository) DO UPDATE SET
    commits = git_imports.commits + excluded.commits,
    recorded = git_imports.recorded + excluded.recorded,
    finished_at = NULL
"""
# The shas and reasons come as comma-separated text (hex digits and words): a history
# skips thousands of merges per batch, and one text is cheaper to send than an array.
_SHA = re.compile(r"[0-9a-f]{7,64}")
_SKIP = """
INSERT INTO git_skipped_commits (project_id, sha, reason, repository)
SELECT $1, u.sha, u.reason, $2
FROM unnest(string_to_array($3, ','), string_to_array($4, ',')) AS u(sha, reason)
ON CONFLICT (project_id, sha) DO NOTHING RETURNING sha
"""
# Records parsed between turns of the event loop: the writer waits for its turn behind
# the reader's, so the reader's turns stay short (a few hundred microseconds).
_YIELD_EVERY = 20
HURRY_AT = 1_000  # records a batch holds at least when the importer is waiting
_FINISHED = """
UPDATE git_imports SET finished_at = clock_timestamp() WHERE project_id = $1 AND repository = $2
"""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A commit read but not recorded as a contribution, and why (``merge``, ``unreadable``)."""

    sha: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one run read and recorded (``distinct``: commits no earlier run accounted for)."""

    commits: int
    recorded: int
    distinct: int = 0
    merges: int = 0
    unaddressed: int = 0
    assistants: int = 0
    skipped: tuple[Skipped, ...] = ()
    mailmap_links: int = 0
    mailmap_merged: int = 0


@dataclass(slots=True)
class _Batch:
    commits: int = 0
    activities: list[Activity] = field(default_factory=list)
    authored: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    merges: int = 0
    unaddressed: int = 0
    assistants: int = 0


class _Reader:
    """Batches of mapped commits from a running ``git log`` (and its merge diffs),
    parsed as git prints them. A batch holds ``size`` records, or fewer once the
    importer is waiting (``hurry``) and it holds at least ``HURRY_AT``: when git is
    the slower side (diff stats), the importer writes what git has printed so far
    instead of waiting for a full batch, and the last batch, written after git
    ends, stays small."""

    def __init__(
        self,
        log: GitProcess,
        merges: MergeDiffs,
        numstat: bool,
        size: int,
        mapping: _Mapping,
    ) -> None:
        self.log, self.merges, self.numstat, self.size, self.mapping = (
            log, merges, numstat, size, mapping,
        )  # fmt: skip
        self.hurry = False
        self._records: list[bytes] = []

    async def next_batch(self) -> _Batch | None:
        """The next batch of at least one commit, or None at the end of the history."""
        batch, taken = _Batch(), 0
        while taken < self.size and not (self.hurry and taken >= min(HURRY_AT, self.size)):
            if not self._records:
                records = await self.log.records()
                if records is None:
                    break
                self._records = records
            chunk = self._records[: min(_YIELD_EVERY, self.size - taken)]
            del self._records[: len(chunk)]
            taken += len(chunk)
            await self._add(batch, chunk)
            await asyncio.sleep(0)  # the loop keeps feeding the database meanwhile
        return batch if taken else None

    async def _add(self, batch: _Batch, records: list[bytes]) -> None:
        for raw in records:
            text = raw.decode("utf-8", "replace")
            try:
                commit = parse_record(text, self.numstat)
            except ValueError:
                batch.commits += 1
                batch.skipped.append(Skipped(text[:40], "unreadable"))
                continue
            if commit is not None:
                batch.commits += 1
                own = commit.parents > 1 and await self.merges.own_changes(commit.sha)
                self.mapping.add(batch, commit, own)


@dataclass(frozen=True, slots=True)
class _Mapping:
    """How a commit becomes activities under the project's options (the actors of a
    history's few thousand people made once each)."""

    options: Options
    keys: Pseudonyms
    names: mailmaps.Mailmap
    actors: dict[tuple[str, str], Actor] = field(default_factory=dict)

    def actor(self, name: str, email: str) -> Actor:
        """The git actor of a name and email, made once."""
        found = self.actors.get((name, email))
        if found is None:
            proper = self.names.name_for(name, email)
            found = commit_actor(proper, email, None, self.options, self.keys)
            if len(self.actors) < 1_000_000:
                self.actors[(name, email)] = found
        return found

    def add(self, batch: _Batch, c: Commit, own_changes: bool) -> None:
        if c.parents > 1 and not own_changes:
            batch.merges += 1
            if self.options.merge_commits != "maintenance":
                batch.skipped.append(Skipped(c.sha, "merge"))
                return
            actor = self.actor(c.committer_name, c.committer_email)
            metadata = {"commit": c.sha, "merge": True}
            found = [Activity(actor, "maintenance", c.authored_at, f"git:{c.sha}", None, metadata)]
        else:
            found = commit_contributions(
                c.sha, c.message, c.name, c.email, None, c.authored_at, None, self.options,
                self.keys, person=self.actor,
            )  # fmt: skip
            if c.added is not None:
                found[0].metadata.update(added=c.added, deleted=c.deleted, files=c.files)
            if c.parents > 1:  # a merge with changes of its own
                found[0].metadata["merge"] = True
        batch.authored.append(found[0].natural_key)
        if found[0].kind == "code":  # the author's actor keeps an email only if usable
            batch.unaddressed += found[0].actor.email is None
        else:
            batch.unaddressed += not usable_address(c.email.strip().lower())
        if len(found) == 1:
            batch.assistants += not found[0].counted
        else:
            batch.assistants += sum(1 for a in found if not a.counted)
        batch.activities += found


async def count_commits(path: Path, since: str | None, refs: Sequence[str] = ()) -> int:
    """How many commits the import will read (for a progress bar)."""
    process = await asyncio.create_subprocess_exec(
        *count_command(path, since, refs),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise InvalidInput(f"not a git repository: {err.decode().strip()[:300]}", "path")
    return int(out.strip() or 0)


@in_bulk
async def import_git(
    pool: asyncpg.Pool,
    project_id: int,
    path: Path,
    *,
    numstat: bool = False,
    since: str | None = None,
    refs: Sequence[str] = (),
    merge_diffs: bool = True,
    batch: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a repository's history into a project; each batch commits on its own.

    ``merge_diffs=False`` takes every merge for one without changes of its own (git
    then computes no merge diff)."""
    repository = str(await asyncio.to_thread(path.resolve))
    settings = await pool.fetchval("SELECT settings FROM projects WHERE id = $1", project_id)
    options = Options.of(settings or {})
    keys = await pseudonyms.load(pool)
    names = await mailmaps.read_mailmap(path)
    total = _Batch()
    recorded = distinct = 0
    merge_command = merge_diff_command(path, since, refs) if merge_diffs else None
    async with contextlib.AsyncExitStack() as stack:
        log = await stack.enter_async_context(
            GitProcess(git_log_command(path, numstat, since, refs))
        )
        merge_log = GitProcess(merge_command) if merge_command else None
        if merge_log is not None:  # started by the history's first merge, if any
            stack.push_async_callback(merge_log.close)
        reader = _Reader(log, MergeDiffs(merge_log), numstat, batch, _Mapping(options, keys, names))
        pending = asyncio.ensure_future(reader.next_batch())
        try:
            while True:
                reader.hurry = True  # the importer waits: what git printed will do
                if (ready := await pending) is None:
                    break
                reader.hurry = False
                pending = asyncio.ensure_future(reader.next_batch())
                new, first = await _write(pool, project_id, repository, ready)
                recorded, distinct = recorded + new, distinct + first
                _add(total, ready)
                if progress is not None:
                    progress(ready.commits)
        finally:
            if not pending.done():
                pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, InvalidInput):
                await pending
    links, merged = await mailmaps.settle(pool, project_id, names, keys, options.mailmap)
    await pool.execute(_FINISHED, project_id, repository)
    return ImportResult(
        total.commits, recorded, distinct, total.merges, total.unaddressed, total.assistants,
        tuple(s for s in total.skipped if s.reason != "merge"), links, merged,
    )  # fmt: skip


def _add(total: _Batch, batch: _Batch) -> None:
    total.commits += batch.commits
    total.merges += batch.merges
    total.unaddressed += batch.unaddressed
    total.assistants += batch.assistants
    total.skipped += [s for s in batch.skipped if s.reason != "merge"]


async def _write(
    pool: asyncpg.Pool, project_id: int, repository: str, batch: _Batch
) -> tuple[int, int]:
    """Record one batch in its own transaction; (new contributions, new distinct commits)."""
    async with pool.acquire() as conn, conn.transaction():
        await defer_flush(conn)  # the batch and its progress row are one transaction
        known: set[str] = set()
        new = await record_activities(
            conn, project_id, batch.activities, "git", "import:git", bulk=True, known=known
        )
        skipped = [s for s in batch.skipped if _SHA.fullmatch(s.sha)]  # what can key a row
        rows = await conn.fetch(
            _SKIP, project_id, repository, ",".join(s.sha for s in skipped),
            ",".join(s.reason for s in skipped),
        ) if skipped else []  # fmt: skip
        first = len(set(batch.authored) - known) + len(rows)
        await conn.execute(_PROGRESS, project_id, repository, first, new)
    return new, first
