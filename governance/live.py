"""Live tallies of open public proposals, for subscriptions (a proposal whose
``running_tally`` is off yields only its final result).

Each watcher holds one dedicated connection (never a pool connection) that LISTENs on
the ballots channel; every ballot transaction NOTIFYs ``<project>:<proposal>`` at
commit. Between notifications the watcher re-reads the proposal at a bounded interval,
so it also notices closing and the deadline passing. It ends by itself: after the
final result once the proposal is closed, or when the proposal stops taking ballots.
At most ``MAX_WATCHERS`` run per process, so subscribers cannot exhaust connections.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from governance import service, store
from ledger.kernel.codecs import use_json
from ledger.kernel.errors import Forbidden, Unavailable
from ledger.register.projects import get_project

RECHECK_SECONDS = 2.0
MAX_WATCHERS = 64  # each holds a database connection


class _Slots:
    """How many watchers run in this process (each holds one connection)."""

    active = 0


async def _connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(url)
    try:
        await use_json(conn)
    except BaseException:  # cancelled while setting up: never leak the connection
        conn.terminate()
        raise
    return conn


async def watch(
    database_url: str, slug: str, number: int, recheck: float = RECHECK_SECONDS
) -> AsyncIterator[tuple[dict[str, Any], bool]]:
    """Yield (result, final) now and after every change until the proposal is decided;
    Unavailable when MAX_WATCHERS already run in this process."""
    if _Slots.active >= MAX_WATCHERS:
        raise Unavailable("too many live tallies are open; retry later")
    _Slots.active += 1
    try:
        async for item in _watch(database_url, slug, number, recheck):
            yield item
    finally:
        _Slots.active -= 1


async def _watch(
    database_url: str, slug: str, number: int, recheck: float
) -> AsyncIterator[tuple[dict[str, Any], bool]]:
    conn = await _connect(database_url)
    try:
        project = await get_project(conn, slug)
        wanted = f"{project.id}:{number}"
        changed: asyncio.Queue[str] = asyncio.Queue()

        def on_notify(_c: object, _pid: int, _channel: str, payload: str) -> None:
            if payload == wanted:
                changed.put_nowait(payload)

        await conn.add_listener(service.CHANNEL, on_notify)
        last: dict[str, Any] | None = None
        while True:
            proposal = await store.get(conn, project.id, number)
            if proposal.secret:
                raise Forbidden("secret ballots have no live tally; read the result at close")
            if proposal.result is not None:
                yield proposal.result, True
                return
            if proposal.state != "open":
                return
            if proposal.running_tally:
                counted = await service.count(
                    conn, proposal, bool(project.settings.get(service.DELEGATION))
                )
                snapshot = counted.result()
                if snapshot != last:
                    yield snapshot, False
                    last = snapshot
            if await store.db_now(conn) >= proposal.closes_at:
                return
            try:
                await asyncio.wait_for(changed.get(), timeout=recheck)
            except TimeoutError:
                continue
            while not changed.empty():
                changed.get_nowait()
    finally:
        await conn.close()
