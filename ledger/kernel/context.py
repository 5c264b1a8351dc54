"""What every resolver may rely on in ``info.context``, without knowing the web layer.

The app builds one context per request; loaders are created lazily per request so
no batch ever leaks between callers. A loader's answer for a key is shared by every
field that asks for it, so each field waits on it through a shield: graphql-core
cancels a field's pending siblings when a non-null field fails, and a cancelled waiter
must not cancel the answer the other fields are still waiting for. Resolvers never hold a connection across
awaits of siblings: they acquire from the pool (a mutation takes one connection
and one transaction).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from functools import partial
from typing import Any, Protocol, TypeVar

import asyncpg
from strawberry.dataloader import DataLoader

from ledger.kernel.license_check import LicenseChecker
from ledger.kernel.principal import Principal

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
BatchFn = Callable[[asyncpg.Pool, list[K]], Awaitable[Sequence[V]]]


class SharedLoader(DataLoader[K, V]):
    """A DataLoader whose shared answers outlive any one cancelled waiter."""

    def load(self, key: K) -> Awaitable[V]:
        """The answer for ``key``, batched with the others asked for in this turn."""
        return asyncio.shield(super().load(key))


class Loaders:
    """Per-request DataLoaders, one per batch function."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._loaders: dict[Any, DataLoader[Any, Any]] = {}

    def get(self, batch: BatchFn[K, V]) -> DataLoader[K, V]:
        """The request's loader for ``batch(pool, keys) -> values in key order``."""
        loader = self._loaders.get(batch)
        if loader is None:
            loader = SharedLoader(load_fn=partial(batch, self._pool))
            self._loaders[batch] = loader
        return loader


class Cache(Protocol):
    """Copies kept in this process that a write here makes stale."""

    def clear(self) -> None:
        """Forget every copy."""


class Context(Protocol):
    """The fields of the request context the domain packages use; the app fills them."""

    pool: asyncpg.Pool
    """Where this operation reads: a read replica for a query, else the primary."""
    primary: asyncpg.Pool
    """Where writes go (the same as ``pool`` except in a query served by a replica)."""
    principal: Principal
    loaders: Loaders
    check_license: LicenseChecker
    acquire_timeout: float
    database_url: str
    """Where a subscription opens its own listening connection (live tallies)."""
    webhook_targets: Cache
    """The webhook receiver's projects and secrets, forgotten when a secret changes."""
