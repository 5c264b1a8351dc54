"""Running a mutation: one connection, one transaction, expected errors as typed results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import strawberry

from ledger.graphql.errors import MutationError, mutation_error
from ledger.kernel.boundary import translate
from ledger.kernel.context import Context
from ledger.kernel.errors import Unavailable

T = TypeVar("T")


async def run_mutation(
    info: strawberry.Info[Context, None],
    work: Callable[[asyncpg.Connection], Awaitable[T]],
) -> T | MutationError:
    """Run ``work`` in one connection and one transaction; expected errors (the
    boundary's table) roll it back and come back as typed results, while an outage or
    a bug is raised for the schema's error boundary to answer."""
    try:
        pool = info.context.pool
        async with pool.acquire(timeout=info.context.acquire_timeout) as conn, conn.transaction():
            return await work(conn)
    except Exception as exc:
        error = translate(exc)
        if error is None or isinstance(error, Unavailable):
            raise
        return mutation_error(error)
