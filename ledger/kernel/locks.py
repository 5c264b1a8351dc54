"""Advisory locks by name: one 64-bit key per name, the same in every process and
host that shares the database, so work that must run once at a time (a periodic
task, an import) is claimed in PostgreSQL rather than in one process's memory."""

from __future__ import annotations

import hashlib

import asyncpg


def key(*parts: object) -> int:
    """The advisory lock key of a name made of ``parts`` (a signed 64-bit integer)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def try_session_lock(conn: asyncpg.Connection, lock: int) -> bool:
    """Take the lock for this session unless another session holds it."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock))


async def unlock(conn: asyncpg.Connection, lock: int) -> None:
    """Give back a lock this session took."""
    await conn.execute("SELECT pg_advisory_unlock($1)", lock)


async def try_transaction_lock(conn: asyncpg.Connection, lock: int) -> bool:
    """Take the lock until the current transaction ends unless another session holds it."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", lock))
