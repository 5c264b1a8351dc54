"""The request's loaders share one answer per key between fields, and a field that
graphql-core cancels (a non-null sibling failed) never cancels that answer for the
fields still waiting on it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, cast

import asyncpg
import strawberry

from ledger.kernel.context import Loaders

CALLS: list[list[int]] = []


async def _double(pool: asyncpg.Pool, keys: list[int]) -> Sequence[int]:
    CALLS.append(list(keys))
    await asyncio.sleep(0.01)
    return [2 * k for k in keys]


def _loaders(info: strawberry.Info[Any, None]) -> Loaders:
    return cast(Loaders, info.context["loaders"])


@strawberry.type
class Box:
    @strawberry.field
    async def shared(self, info: strawberry.Info[Any, None]) -> int:
        return await _loaders(info).get(_double).load(21)

    @strawberry.field
    async def broken(self) -> int:
        raise ValueError("a non-null field that fails")


@strawberry.type
class Query:
    @strawberry.field
    def failing(self) -> Box | None:
        return Box()

    @strawberry.field
    def healthy(self) -> Box | None:
        return Box()


SCHEMA = strawberry.Schema(query=Query)
QUERY = "{ failing { shared broken } healthy { shared } }"


async def test_a_cancelled_field_leaves_the_shared_answer_to_the_others() -> None:
    CALLS.clear()
    context = {"loaders": Loaders(cast(asyncpg.Pool, None))}
    result = await SCHEMA.execute(QUERY, context_value=context)
    assert result.data == {"failing": None, "healthy": {"shared": 42}}
    assert [e.message for e in result.errors or []] == ["a non-null field that fails"]
    assert CALLS == [[21]]  # one batch for both fields


async def test_the_answer_stays_shared_when_no_field_fails() -> None:
    CALLS.clear()
    context = {"loaders": Loaders(cast(asyncpg.Pool, None))}
    result = await SCHEMA.execute(
        "{ failing { shared } healthy { shared } }", context_value=context
    )
    assert result.errors is None
    assert result.data == {"failing": {"shared": 42}, "healthy": {"shared": 42}}
    assert CALLS == [[21]]
