"""Where the public HTTP reads go: the read replica when it has replayed the journal
heads the client says it saw (``Commons-Journal-Head``), else the primary."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from litestar import Request

from app.replica import HEADER, parse_heads
from app.runtime import Runtime

T = TypeVar("T")


def runtime_of(request: Request[Any, Any, Any]) -> Runtime:
    """The running instance serving the request."""
    runtime: Runtime = request.app.state.runtime
    return runtime


async def on_reader(
    request: Request[Any, Any, Any], work: Callable[[asyncpg.Pool], Awaitable[T]]
) -> T:
    """``work`` on the read pool, one that has the journal heads the client saw."""
    heads = parse_heads(request.headers.get(HEADER))
    return await runtime_of(request).read(work, heads)
