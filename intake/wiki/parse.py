"""A dump read by processes of their own: parsing XML is most of an import's work, so
it runs on other cores while the importer judges and writes the previous chunk.

One process opens the dump (unpacking a ``.7z``) and cuts its XML into pieces that
parse on their own (``intake.wiki.split``); parser processes, one per core, parse
the pieces at once, and the importer takes their chunks back in the dump's order.
The site comes first, then chunks of about ``size`` edits as compact rows
(``intake.wiki.dump.Row``) with the bots the rights log named so far and the file
position reached; an invalid dump comes back as ``InvalidInput``. Nothing but rows
crosses the pipes back, and no IP address ever leaves ``intake.wiki.dump``: an
anonymous edit's row names nobody.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from intake.wiki.dump import Row, open_dump, read_pages
from intake.wiki.edits import Site
from intake.wiki.split import pieces
from ledger.kernel.errors import InvalidInput

T = TypeVar("T")

PARSERS = 4  # at most, and never more than the machine's cores
_AHEAD = 2  # pieces read ahead of the importer, per parser
_STOPPING = 5.0  # seconds a stopped process has to exit before it is killed


@dataclass(frozen=True, slots=True)
class Chunk:
    """Edits in dump order, every bot the rights log named so far, how far into the
    file (bytes) the reader is, and whether the dump ends with these."""

    rows: list[Row]
    bots: tuple[str, ...]
    position: int
    last: bool = False


@dataclass(frozen=True, slots=True)
class _Parsed:
    """One piece parsed: its rows, the bots its own rights log items named."""

    index: int
    rows: list[Row]
    bots: frozenset[str]
    position: int
    last: bool


def _guarded(out: Any, run: Callable[[], None]) -> None:
    """Report the reader's or a parser's failure to the importer instead of dying. A
    Ctrl-C reaches the whole process group: the importer handles it and stops these
    processes, so here it is ignored (no traceback from every parser)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def stopped(number: int, _: object) -> None:
        out.cancel_join_thread()  # nobody reads on: exit without flushing to the importer
        raise SystemExit(128 + number)  # what is open closes (a .7z's unpacked folder)

    signal.signal(signal.SIGTERM, stopped)
    _leave_with_the_importer()
    try:
        run()
    except InvalidInput as exc:
        out.put(("refused", (str(exc), exc.field)))
    except Exception as exc:  # reported to the importer, which raises it there
        out.put(("failed", f"{type(exc).__name__}: {exc}"))


def _leave_with_the_importer() -> None:
    """Stop when the importer has gone, even killed with no clean-up of its own
    (``multiprocessing.parent_process``: a pipe it holds open while it runs), as when
    it stops this process (SIGTERM), and exit at once if that has not ended it within
    ``_STOPPING``; the forkserver follows once all of them have left."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


def _exit_after(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os.kill(os.getpid(), signal.SIGTERM)  # interrupts the main thread, even in a read
    time.sleep(_STOPPING)
    os._exit(1)  # nothing to flush: nobody is left to read it


def _cut(
    path: Path, wiki: str | None, size: int, work: Any, out: Any, parsers: int, room: Any
) -> None:
    """The reader process: the site, then the dump's pieces for the parsers, in order,
    each once the importer has ``room`` for it (taken here, given back as it takes a
    chunk), so that memory holds a few pieces whatever the parsers' pace."""

    def run() -> None:
        with open_dump(path) as (stream, raw):
            for index, piece in enumerate(pieces(stream.read, size)):
                if index == 0:
                    site, _ = read_pages(io.BytesIO(piece.document), wiki, lambda _: None)
                    out.put(("site", site))
                room.acquire()
                work.put((index, piece.document, raw.tell(), piece.last))
        for _ in range(parsers):
            work.put(None)

    _guarded(out, run)


def _parse(wiki: str | None, work: Any, out: Any) -> None:
    """A parser process: pieces in, their rows out, until the reader is done."""

    def run() -> None:
        while (task := work.get()) is not None:
            index, document, position, last = task
            bots: set[str] = set()
            _, pages = read_pages(io.BytesIO(document), wiki, bots.update)
            rows = [row for page in pages for row in page.rows]
            out.put(("parsed", _Parsed(index, rows, frozenset(bots), position, last)))

    _guarded(out, run)


async def _in_daemon_thread(call: Callable[[], T]) -> T:
    """``call()`` on a daemon thread of its own. A process stopped while it was writing to
    a pipe can leave half a message there, and a read of it never returns: such a read
    must not hold up the importer's exit, as a thread of the loop's executor would."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(setter: Callable[[Any], object], value: Any) -> None:
        if not future.done():  # a wait cancelled meanwhile drops the answer
            setter(value)

    def run() -> None:
        outcome: tuple[Callable[[Any], object], Any]
        try:
            outcome = (future.set_result, call())
        except BaseException as exc:  # handed to the awaiting task, which raises it
            outcome = (future.set_exception, exc)
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=run, name="dump-receiver", daemon=True).start()
    return await future


def _stop(processes: list[Any]) -> None:
    """Stop the reader and the parsers: asked first, then killed."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(_STOPPING)
        if process.is_alive():
            process.kill()
            process.join()


async def read_chunks(
    path: Path, wiki: str | None, size: int
) -> AsyncGenerator[Site | Chunk, None]:
    """The dump's site, then its chunks of edits, read by processes of their own."""
    context = multiprocessing.get_context("forkserver")  # no fork of a threaded process
    context.set_forkserver_preload(["intake.wiki.parse"])
    parsers = max(1, min(PARSERS, os.cpu_count() or 1))
    room = context.Semaphore(_AHEAD * parsers)  # pieces read and not yet taken back
    work, out = context.Queue(), context.Queue()
    processes = [context.Process(target=_cut, args=(path, wiki, size, work, out, parsers, room))]
    processes += [context.Process(target=_parse, args=(wiki, work, out)) for _ in range(parsers)]
    for process in processes:
        process.daemon = True
        process.start()
    waiting: dict[int, _Parsed] = {}
    bots: set[str] = set()

    def receive() -> tuple[str, Any]:
        while True:
            try:
                message: tuple[str, Any] = out.get(timeout=0.5)
                return message
            except queue.Empty:
                stopped = next((p for p in processes if not p.is_alive() and p.exitcode), None)
                if stopped is not None:
                    return "failed", f"the dump reader stopped (exit code {stopped.exitcode})"
                if not any(p.is_alive() for p in processes):
                    return "failed", "the dump reader stopped before the dump's end"

    try:
        following = 0
        while True:
            while following in waiting:
                parsed = waiting.pop(following)
                room.release()
                bots |= parsed.bots
                yield Chunk(parsed.rows, tuple(sorted(bots)), parsed.position, parsed.last)
                if parsed.last:
                    return
                following += 1
            kind, value = await _in_daemon_thread(receive)
            if kind == "refused":
                raise InvalidInput(*value)
            if kind == "failed":
                raise RuntimeError(value)
            if kind == "site":
                yield value
            else:
                waiting[value.index] = value
    finally:
        await asyncio.to_thread(_stop, processes)
