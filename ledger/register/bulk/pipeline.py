"""The chunks of one load in order, each encoded in a thread while the one before is
written: the input is read and hashed beside the database, never all at once (memory
stays at a few chunks whatever the size of the load).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from itertools import islice

from ledger.register.bulk.encode import Chunk, Cursor, Terms, encode_chunk
from ledger.register.models import NewContribution

Batch = list[NewContribution]
# Numbers and bot flags of a batch's contributors, looked up on the load's connection.
Reserve = Callable[[Batch], Awaitable[tuple[list[int], dict[int, bool]]]]


def _take(source: Iterator[NewContribution], size: int) -> Batch:
    return list(islice(source, size))


class Pipeline:
    """Encodes the batches of ``items`` one ahead of the writer, chained from ``cursor``."""

    def __init__(
        self,
        items: Iterable[NewContribution],
        size: int,
        terms: Terms,
        cursor: Cursor,
        reserve: Reserve,
    ) -> None:
        self.source = iter(items)
        self.size = size
        self.terms = terms
        self.cursor = cursor
        self.reserve = reserve
        self.redo: deque[Chunk] = deque()
        self.ahead: asyncio.Future[tuple[Chunk, Batch]] | None = None
        self.batch: Batch | None = None

    def _work(self, batch: Batch, ids: list[int], bots: dict[int, bool]) -> tuple[Chunk, Batch]:
        return encode_chunk(self.terms, self.cursor, batch, ids, bots), _take(
            self.source, self.size
        )

    async def _start(self) -> None:
        if self.batch is None:
            self.batch = await asyncio.to_thread(_take, self.source, self.size)
        if self.batch:
            ids, bots = await self.reserve(self.batch)
            self.ahead = asyncio.ensure_future(asyncio.to_thread(self._work, self.batch, ids, bots))

    async def next(self) -> Chunk | None:
        """The next chunk, chained after the one before (None at the end); the one
        after it starts encoding at once."""
        if self.redo:
            again = self.redo.popleft()
            return await asyncio.to_thread(
                encode_chunk, self.terms, self.cursor, again.items, again.ids, again.bots
            )
        if self.ahead is None:
            await self._start()
            if self.ahead is None:
                return None
        chunk, self.batch = await self.ahead
        self.ahead = None
        if chunk.end != self.cursor:  # encoded before a rebase
            chunk = await asyncio.to_thread(
                encode_chunk, self.terms, self.cursor, chunk.items, chunk.ids, chunk.bots
            )
        await self._start()
        return chunk

    def rebase(self, terms: Terms, cursor: Cursor, redo: list[Chunk]) -> None:
        """The chain moved under the load: ``redo`` (written by nobody) and every later
        chunk are encoded again after ``cursor`` under ``terms``."""
        self.terms = terms
        self.cursor = cursor
        self.redo.extend(redo)

    async def close(self) -> None:
        """Let an encoding in flight finish (a thread cannot be interrupted)."""
        if self.ahead is not None:
            await asyncio.wait([self.ahead])
            self.ahead = None
