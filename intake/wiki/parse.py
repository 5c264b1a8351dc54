"""A dump read in a process of its own: parsing XML is most of an import's work, so
it runs on one core while the importer judges and writes the previous chunk on
another.

The reader process opens the dump (unpacking a ``.7z``), hands back the site, then
chunks of about ``size`` edits as compact rows (``intake.wiki.dump.Row``) with the
bots the rights log named so far and the file position reached; an invalid dump
comes back as ``InvalidInput``. Nothing but rows crosses the pipe, and no IP address
ever leaves ``intake.wiki.dump``: an anonymous edit's row names nobody.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake.wiki.dump import Row, open_dump, read_pages
from intake.wiki.edits import Site
from ledger.kernel.errors import InvalidInput

_QUEUED = 2  # chunks read ahead of the importer


@dataclass(frozen=True, slots=True)
class Chunk:
    """Edits in dump order, every bot the rights log named so far, how far into the
    file (bytes) the reader is, and whether the dump ends with these."""

    rows: list[Row]
    bots: tuple[str, ...]
    position: int
    last: bool = False


def _read(path: Path, wiki: str | None, size: int, out: Any) -> None:
    """The reader process: the site, the chunks, then the end (or why it failed)."""
    try:
        with open_dump(path) as (stream, raw):
            bots: set[str] = set()  # grows as the dump's own rights log is read
            site, pages = read_pages(stream, wiki, bots.update)
            out.put(("site", site))
            rows: list[Row] = []
            for page in pages:
                for row in page.rows:
                    rows.append(row)
                    if len(rows) >= size:
                        out.put(("chunk", Chunk(rows, tuple(sorted(bots)), raw.tell())))
                        rows = []
            out.put(("chunk", Chunk(rows, tuple(sorted(bots)), raw.tell(), last=True)))
        out.put(("end", None))
    except InvalidInput as exc:
        out.put(("refused", (str(exc), exc.field)))
    except Exception as exc:  # reported to the importer, which raises it there
        out.put(("failed", f"{type(exc).__name__}: {exc}"))


async def read_chunks(path: Path, wiki: str | None, size: int) -> AsyncIterator[Site | Chunk]:
    """The dump's site, then its chunks of edits, read by a process of their own."""
    context = multiprocessing.get_context("forkserver")  # no fork of a threaded process
    context.set_forkserver_preload(["intake.wiki.parse"])
    out = context.Queue(maxsize=_QUEUED)
    reader = context.Process(target=_read, args=(path, wiki, size, out), daemon=True)
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
