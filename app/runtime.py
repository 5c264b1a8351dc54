"""What a running instance holds: settings, pool, keys, token service, schema.

Built once in the app's lifespan from the injected environment; handlers reach it
through ``request.app.state.runtime``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import strawberry

from app.auth import TokenService
from app.settings import Settings
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
    check_license: LicenseChecker
    extras: dict[str, Any] = field(default_factory=dict)
