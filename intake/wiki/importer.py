"""Importing a MediaWiki dump into a project: each revision one contribution (natural
key ``mediawiki:<wiki>:rev:<id>``), its editor an identity of that wiki, reverts
judged per page, the wiki's terms recorded as every editor's grant.

The dump is parsed in a process of its own, ahead of the database (``parse``), and
its edits judged here (``judge``) while the reader parses on; each batch commits on
its own with the import's progress (``wiki_imports``): an
interrupted import resumes by running it again, and a finished one adds nothing.
An editor's terms are settled once for their earliest edit seen so far: later
batches look up grants only for edits older than that.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from intake.payload import Activity
from intake.record import record_activities
from intake.wiki.dump import bots_from_log, check_dump, edit_of
from intake.wiki.edits import Site, WikiOptions
from intake.wiki.judge import Batch, Judge
from intake.wiki.mapping import SOURCE
from intake.wiki.parse import read_chunks
from intake.wiki.terms import ensure_terms, grant_terms
from ledger.kernel.heap import in_bulk
from ledger.register.models import Project
from ledger.register.projects import get_project, project_kinds

ACTOR = "import:mediawiki"
_PROGRESS = """
INSERT INTO wiki_imports AS w (project_id, wiki, revisions, recorded, reverted)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (project_id, wiki) DO UPDATE SET
    revisions = w.revisions + excluded.revisions, recorded = w.recorded + excluded.recorded,
    reverted = w.reverted + excluded.reverted, finished_at = NULL
"""
_NEVER = datetime.max.replace(tzinfo=UTC)
_FINISHED = """
UPDATE wiki_imports SET finished_at = clock_timestamp() WHERE project_id = $1 AND wiki = $2
"""


@dataclass(frozen=True, slots=True)
class WikiImport:
    """What an import read and recorded."""

    wiki: str
    revisions: int
    recorded: int
    reverted: int
    grants: int


Covered = dict[tuple[str, str, str], datetime]
"""Per editor identity, the earliest edit whose terms grant this import has settled."""


def _uncovered(batch: Batch, covered: Covered) -> list[Activity]:
    """The batch's edits older than any its editor's terms were settled for."""
    return [a for a in batch.activities if a.occurred_at < covered.get(a.actor.key, _NEVER)]


async def _write(
    pool: asyncpg.Pool,
    project: Project,
    site: Site,
    batch: Batch,
    terms: str | None,
    covered: Covered,
) -> tuple[Project, int, int]:
    async with pool.acquire() as conn, conn.transaction():
        if batch.activities:
            since = min(a.occurred_at for a in batch.activities)
            project = await ensure_terms(conn, project, site, terms, since, ACTOR)
        new = await record_activities(conn, project.id, batch.activities, SOURCE, ACTOR, bulk=True)
        uncovered = _uncovered(batch, covered)
        keys = [a.natural_key for a in uncovered]
        granted = await grant_terms(conn, project, site, keys, ACTOR)
        await conn.execute(_PROGRESS, project.id, site.wiki, batch.revisions, new, batch.reverted)
    for activity in uncovered:  # settled once the batch committed
        key = activity.actor.key
        covered[key] = min(activity.occurred_at, covered.get(key, _NEVER))
    return project, new, granted


@in_bulk
async def import_dump(
    pool: asyncpg.Pool,
    project: Project,
    path: Path,
    *,
    wiki: str | None = None,
    terms: str | None = None,
    options: WikiOptions | None = None,
    logs: Sequence[Path] = (),
    batch: int = 5_000,
    progress: Callable[[int, int], None] | None = None,
) -> WikiImport:
    """Import a dump into ``project``; ``progress(bytes read, bytes in all)`` as it goes."""
    check_dump(path)
    project = await get_project(pool, project.slug)
    chosen = options or WikiOptions.of(project.settings)
    chosen = chosen.validated(await project_kinds(pool, project.id))
    bots = set(chosen.bots)
    for log in logs:
        bots |= await asyncio.to_thread(bots_from_log, log)
    total = (await asyncio.to_thread(path.stat)).st_size
    judge: Judge | None = None
    covered: Covered = {}
    judged = Batch()
    revisions = recorded = reverted = granted = 0
    # Closed here, not when collected: a stop (a signal cancels the import at any await)
    # stops the dump's processes before the loop shuts down.
    async with contextlib.aclosing(read_chunks(path, wiki, batch)) as chunks:
        async for item in chunks:
            if isinstance(item, Site):
                judge = Judge(item, replace(chosen, bots=bots))
                continue
            assert judge is not None
            judge.add_bots(item.bots)
            judged.add(judge.feed(map(edit_of, item.rows), last=item.last))
            judged.position = item.position
            if judged.revisions < batch and not item.last:
                continue  # a page's latest revisions are still being judged
            project, new, grants = await _write(pool, project, judge.site, judged, terms, covered)
            revisions += judged.revisions
            recorded += new
            reverted += judged.reverted
            granted += grants
            if progress is not None:
                progress(min(judged.position, total), total)
            judged = Batch()
    assert judge is not None
    site = judge.site
    await pool.execute(_FINISHED, project.id, site.wiki)
    return WikiImport(site.wiki, revisions, recorded, reverted, granted)
