"""A dump read into batches of judged activities, in a process of its own: parsing
XML is most of an import's work, so it runs on one core while the importer writes
the previous batch to the database on another.

The reader process opens the dump (unpacking a ``.7z``), hands back the site, then
batches of about ``size`` revisions with the file position reached; an invalid dump
comes back as ``InvalidInput``. Nothing but judged activities crosses the pipe (no
IP address ever leaves ``intake.wiki.dump``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from intake.payload import Activity
from intake.wiki.dump import PageEdits, open_dump, read_pages
from intake.wiki.edits import Site, WikiOptions
from intake.wiki.mapping import Judged, activity_of
from intake.wiki.reverts import PageHistory
from ledger.kernel.errors import InvalidInput

_QUEUED = 2  # batches read ahead of the database


@dataclass(slots=True)
class Batch:
    """The activities of some revisions, how many were read and found reverted, and
    how far into the file (bytes) the reader is."""

    activities: list[Activity] = field(default_factory=list)
    revisions: int = 0
    reverted: int = 0
    position: int = 0


def batches(
    site: Site, pages: Iterator[PageEdits], options: WikiOptions, size: int
) -> Iterator[Batch]:
    """The dump's activities in batches of about ``size`` revisions, reverts judged."""
    batch = Batch()
    for page in pages:
        history = PageHistory(options.radius)
        for edit in page.edits:
            for judged in history.add(edit):
                _take(batch, site, judged, options)
            if batch.revisions >= size:
                yield batch
                batch = Batch()
        for judged in history.close():
            _take(batch, site, judged, options)
    if batch.revisions:
        yield batch


def _take(batch: Batch, site: Site, judged: Judged, options: WikiOptions) -> None:
    batch.revisions += 1
    batch.reverted += judged.reverted
    activity = activity_of(site, judged, options)
    if activity is not None:
        batch.activities.append(activity)


def _read(path: Path, wiki: str | None, options: WikiOptions, size: int, out: Any) -> None:
    """The reader process: the site, the batches, then the end (or why it failed)."""
    try:
        with open_dump(path) as (stream, raw):
            bots = set(options.bots)  # grows as the dump's own rights log is read
            site, pages = read_pages(stream, wiki, bots.update)
            out.put(("site", site))
            for batch in batches(site, pages, replace(options, bots=bots), size):
                batch.position = raw.tell()
                out.put(("batch", batch))
        out.put(("end", None))
    except InvalidInput as exc:
        out.put(("refused", (str(exc), exc.field)))
    except Exception as exc:  # reported to the importer, which raises it there
        out.put(("failed", f"{type(exc).__name__}: {exc}"))


async def read_batches(
    path: Path, wiki: str | None, options: WikiOptions, size: int
) -> AsyncIterator[Site | Batch]:
    """The dump's site, then its batches, read by a process of their own."""
    context = multiprocessing.get_context("forkserver")  # no fork of a threaded process
    context.set_forkserver_preload(["intake.wiki.parse"])
    out = context.Queue(maxsize=_QUEUED)
    reader = context.Process(target=_read, args=(path, wiki, options, size, out), daemon=True)
    reader.start()

    def receive() -> tuple[str, Any]:
        while True:
            try:
                message: tuple[str, Any] = out.get(timeout=0.5)
                return message
            except queue.Empty:
                if not reader.is_alive():
                    return "failed", f"the dump reader stopped (exit code {reader.exitcode})"

    try:
        while True:
            kind, value = await asyncio.to_thread(receive)
            if kind == "end":
                return
            if kind == "refused":
                raise InvalidInput(*value)
            if kind == "failed":
                raise RuntimeError(value)
            yield value
    finally:
        if reader.is_alive():
            reader.terminate()
        await asyncio.to_thread(reader.join)
