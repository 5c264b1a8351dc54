"""One batch of a load encoded slice by slice while its contribution rows are copied:
PostgreSQL parses a slice's rows and updates their indexes while the next slice is
numbered, priced and chained, instead of waiting for the whole batch to be encoded.

The slices continue one chain from the load's cursor, so the events are exactly those
one ``encode_chunk`` over the whole batch makes; they follow by a second COPY, and
the batch's rollups by one statement. One COPY statement carries at most
``PER_COPY`` rows, since the time spent encoding them counts against its timeout. A
slice that fails its checks ends the contribution stream where it is and its error
is raised once that COPY has ended, inside a savepoint, so the rows already copied
go with it even when the caller goes on with its transaction; the COPY is never
aborted mid-flight (an abort asks the server to cancel the statement, and that
request could land on a later one).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import asyncpg

from ledger.kernel.errors import InvalidInput, NotFound
from ledger.register.bulk import binary
from ledger.register.bulk.encode import Cursor, Terms, encode_chunk
from ledger.register.bulk.write import Writer
from ledger.register.models import NewContribution
from ledger.register.rollups import Tally

SLICE = 250
# Rows per streamed COPY statement: its encoding counts against the statement's timeout.
PER_COPY = 50_000
_START, _END = len(binary.HEADER), -len(binary.TRAILER)


async def write_batch(
    conn: asyncpg.Connection,
    writer: Writer,
    terms: Terms,
    cursor: Cursor,
    items: list[NewContribution],
    ids: list[int],
    bots: dict[int, bool],
    rows_done: Callable[[Cursor, datetime], object] | None = None,
) -> None:
    """Encode and COPY ``items`` (numbered ``ids``) after ``cursor``, which advances
    past their events; ``bots`` holds every contributor of the batch. ``rows_done`` is
    called once the rows are in and their events are about to be copied, with where
    those events end and the instant they are recorded at (the event loop is free
    during that COPY: a caller may have work waiting for it)."""
    events: list[bytes] = [binary.HEADER]
    tally: Tally | None = None
    failed: list[InvalidInput | NotFound] = []

    async def rows(first: int, last: int) -> AsyncIterator[bytes]:
        nonlocal tally
        yield binary.HEADER
        for start in range(first, last, SLICE):
            end = min(start + SLICE, last)
            try:
                chunk = encode_chunk(terms, cursor, items[start:end], ids[start:end], bots)
            except (InvalidInput, NotFound) as exc:
                failed.append(exc)
                break
            events.append(chunk.events[_START:_END])
            if tally is None:
                tally = chunk.tally
            else:
                tally.absorb(chunk.tally)
            yield chunk.contributions[_START:_END]
            await asyncio.sleep(0)  # the transport sends what the socket took no room for
        yield binary.TRAILER

    async with conn.transaction():  # a savepoint: rows of a failed batch never outlive it
        for first in range(0, len(items), PER_COPY):
            await writer.copy(conn, "contributions", rows(first, min(first + PER_COPY, len(items))))
            if failed:
                raise failed[0]
    if rows_done is not None:
        rows_done(Cursor(cursor.seq, cursor.hash), terms.recorded_at)
    events.append(binary.TRAILER)
    await writer.copy(conn, "journal_events", b"".join(events))
    if tally is not None:
        await writer.tally(conn, tally, terms.project_id)
