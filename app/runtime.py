"""What a running instance holds: settings, pool, signing keys (a ring per purpose),
token service, schema, the webhook receiver, the persisted operations, the embedded
inbox worker and the read replica.

Built once in the app's lifespan from the injected environment; handlers reach it
through ``request.app.state.runtime``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import asyncpg
import strawberry

from app.auth import TokenService
from app.replica import Replica
from app.settings import Settings
from intake.receive import Receiver
from intake.worker import Worker
from ledger.journal.keys import InstanceKeys
from ledger.kernel.license_check import LicenseChecker

T = TypeVar("T")


@dataclass
class Runtime:
    env: Mapping[str, str]
    settings: Settings
    database_url: str
    pool: asyncpg.Pool
    keys: InstanceKeys
    tokens: TokenService
    schema: strawberry.Schema
    receiver: Receiver
    operations: Mapping[str, str]
    """The dashboards' persisted GraphQL documents, by name."""
    check_license: LicenseChecker
    worker: Worker | None = None
    """The embedded inbox worker, when this instance runs one."""
    replica: Replica | None = None
    """The read replica (``COMMONS_READ_DATABASE_URL``), when there is one."""

    def reader(self) -> asyncpg.Pool:
        """Where a public read goes now: the replica while it answers, else the primary."""
        return self.replica.reader() if self.replica is not None else self.pool

    async def read(
        self, work: Callable[[asyncpg.Pool], Awaitable[T]], heads: Sequence[tuple[str, int]] = ()
    ) -> T:
        """``work`` on the read pool (one that has replayed ``heads``), again on the
        primary if the replica failed it."""
        if self.replica is None:
            return await work(self.pool)
        return await self.replica.read(work, heads)
