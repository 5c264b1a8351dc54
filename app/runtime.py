"""What a running instance holds: settings, pool, keys, token service, schema, the
webhook receiver, the persisted operations and the embedded inbox worker.

Built once in the app's lifespan from the injected environment; handlers reach it
through ``request.app.state.runtime``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg
import strawberry

from app.auth import TokenService
from app.persisted.service import Persisted
from app.settings import Settings
from intake.receive import Receiver
from intake.worker import Worker
from ledger.journal.keys import KeyRing
from ledger.kernel.license_check import LicenseChecker


@dataclass
class Runtime:
    env: Mapping[str, str]
    settings: Settings
    database_url: str
    pool: asyncpg.Pool
    ring: KeyRing
    tokens: TokenService
    schema: strawberry.Schema
    receiver: Receiver
    persisted: Persisted
    """The dashboards' persisted operations and what answers them (heads, cache, budgets)."""
    check_license: LicenseChecker
    worker: Worker | None = None
    """The embedded inbox worker, when this instance runs one."""
