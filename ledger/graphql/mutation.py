"""Running a mutation: one connection, one transaction, expected errors as typed results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import strawberry

from ledger.graphql.errors import MutationError, database_error, mutation_error
from ledger.kernel.context import Context
from ledger.kernel.errors import CommonsError, Unavailable

T = TypeVar("T")


async def run_mutation(
    info: strawberry.Info[Context, None],
    work: Callable[[asyncpg.Connection], Awaitable[T]],
) -> T | MutationError:
    """Run ``work`` in one connection and one transaction; expected errors roll it
    back and come back as typed results."""
    try:
        pool = info.context.pool
        async with pool.acquire(timeout=info.context.acquire_timeout) as conn, conn.transaction():
            return await work(conn)
    except CommonsError as exc:
        return mutation_error(exc)
    except asyncpg.PostgresError as exc:
        translated = database_error(exc)
        if translated is None:
            raise
        if isinstance(translated, Unavailable):
            raise translated from None
        return mutation_error(translated)
    except (TimeoutError, OSError, asyncpg.InterfaceError) as exc:
        raise Unavailable(f"the database is unavailable ({type(exc).__name__}); retry") from None
