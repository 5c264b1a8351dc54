"""What a running instance holds: settings, pool, signing keys (a ring per purpose),
token service, schema, the webhook receiver, the persisted operations and the embedded
inbox worker.

Built once in the app's lifespan from the injected environment; handlers reach it
through ``request.app.state.runtime``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg
import strawberry

from app.auth import TokenService
from app.settings import Settings
from intake.receive import Receiver
from intake.worker import Worker
from ledger.journal.keys import InstanceKeys
from ledger.kernel.license_check import LicenseChecker


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
