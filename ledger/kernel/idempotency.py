"""Idempotency keys with Stripe's semantics, inside the caller's transaction.

``claim`` inserts the key first: a concurrent request with the same key blocks on
the unique index until the first transaction ends, then sees the stored result.
Same key and same input replays the first result; different input is refused.
"""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg
import rfc8785

from ledger.kernel.errors import IdempotencyMismatch, InvalidInput


def fingerprint(value: Any) -> bytes:
    """A stable digest of a JSON-compatible value: SHA-256 of its RFC 8785 form."""
    return hashlib.sha256(rfc8785.dumps(value)).digest()


_CLAIM = """
INSERT INTO idempotency_keys (project_id, scope, key, request_hash)
VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true
"""
_STORED = """
SELECT request_hash, result FROM idempotency_keys
WHERE project_id = $1 AND scope = $2 AND key = $3
"""
_REMEMBER = """
UPDATE idempotency_keys SET result = $4 WHERE project_id = $1 AND scope = $2 AND key = $3
"""


def check_key(key: str) -> str:
    """Validate an idempotency key's form."""
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise InvalidInput(
            "idempotency key must be 1 to 255 printable characters", "idempotencyKey"
        )
    return key


async def claim(
    conn: asyncpg.Connection, project_id: int, scope: str, key: str, request: Any
) -> dict[str, Any] | None:
    """Claim ``key`` for ``request``; return the stored result if it was used before."""
    digest = fingerprint(request)
    if await conn.fetchval(_CLAIM, project_id, scope, check_key(key), digest):
        return None
    row = await conn.fetchrow(_STORED, project_id, scope, key)
    assert row is not None
    if bytes(row["request_hash"]) != digest:
        raise IdempotencyMismatch(f"idempotency key {key!r} was already used with different input")
    result: dict[str, Any] = row["result"]
    return result


async def remember(
    conn: asyncpg.Connection, project_id: int, scope: str, key: str, result: dict[str, Any]
) -> None:
    """Store the result a replay of ``key`` must return."""
    await conn.execute(_REMEMBER, project_id, scope, key, result)
