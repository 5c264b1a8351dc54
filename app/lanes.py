"""The heavy lane: expensive queries take turns, so cheap ones never wait behind them.

A worker executes every GraphQL operation in one event loop over one connection pool.
An operation that resolves many fields (30 aliases of a project, a page of 100 nodes
with their relations) keeps the loop busy for milliseconds and asks the pool for many
connections at once; a few of them back to back would make every other caller's
trivial query wait for the loop and queue for a connection behind them.

So an operation whose estimated cost (``app.gql.limits``) exceeds ``COMMONS_HEAVY_COST``
runs in the heavy lane: at most ``COMMONS_HEAVY_CONCURRENCY`` of them execute at once
in a worker (the others wait their turn, first come first served, holding nothing but
their request), and they read through a pool of their own, ``COMMONS_HEAVY_POOL``
connections (``commons-heavy-lane`` in ``pg_stat_activity``). One connection by
default: an expensive query's reads then come back one at a time, each a short step
of the loop, rather than as a burst every other request would wait behind; for the
same reason its root fields (its aliases) are resolved one after another, as a
mutation's are (``LaneExecution``). Cheap operations run as they come, on the main
pool. What one client may spend over time is the budget's concern (``app.budget``);
the lane bounds how much of a worker expensive work takes at any moment, whoever sends
it. ``COMMONS_HEAVY_COST=0`` turns it off.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import asyncpg
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app import database
from graphql import GraphQLObjectType

NAME = "commons-heavy-lane"
"""The ``application_name`` of the lane's connections (in ``pg_stat_activity``)."""


_IN_TURN: ContextVar[bool] = ContextVar("in_heavy_lane", default=False)


class LaneExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, which resolves an operation in the heavy lane's root
    fields one after another, as a mutation's are: 30 aliases are then 30 short steps of
    the loop, each done before the next begins, rather than 30 branches that all come
    back at once and make everyone else wait behind them."""

    def execute_root_grouped_field_set(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        position_context: Any,
    ) -> Any:
        return super().execute_root_grouped_field_set(
            root_type, root_value, grouped_field_set, serially or _IN_TURN.get(), position_context
        )


class Lane:
    """Turns for operations costing more than ``threshold`` (0: no lane)."""

    def __init__(self, threshold: int, concurrency: int, connections: int) -> None:
        self.threshold = threshold
        self.concurrency = concurrency
        self.connections = connections
        self._turns = asyncio.Semaphore(concurrency)
        self._pool: asyncpg.Pool | None = None
        self._main: asyncpg.Pool | None = None
        self.waiting = 0
        """Operations waiting for a turn right now."""
        self.taken = 0
        """Turns taken since the start."""

    def takes(self, cost: int) -> bool:
        """Whether an operation of this cost runs in the lane."""
        return self.threshold > 0 and cost > self.threshold

    async def open(self, main: asyncpg.Pool, url: str, command_timeout: float) -> None:
        """Open the lane's pool beside ``main``, the pool it takes heavy reads off
        (nothing when the lane is off)."""
        self._main = main
        if self.threshold > 0 and self._pool is None:
            self._pool = await database.create_pool(
                url,
                min_size=1,
                max_size=self.connections,
                command_timeout=command_timeout,
                name=NAME,
            )

    async def close(self) -> None:
        """Close the lane's pool."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @asynccontextmanager
    async def turn(self, reading: asyncpg.Pool) -> AsyncIterator[asyncpg.Pool]:
        """Wait for a turn; the pool an operation that would read through ``reading``
        reads through meanwhile: the lane's own instead of the main pool (a context
        given another pool, a test's own, keeps it)."""
        self.waiting += 1
        try:
            await self._turns.acquire()
        finally:
            self.waiting -= 1
        self.taken += 1
        token = _IN_TURN.set(True)
        try:
            yield self._pool if self._pool is not None and reading is self._main else reading
        finally:
            _IN_TURN.reset(token)
            self._turns.release()
