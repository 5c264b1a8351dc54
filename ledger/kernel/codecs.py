"""Connection set-up every connection of the service shares: JSON in and out as Python values."""

from __future__ import annotations

import json

import asyncpg


async def use_json(conn: asyncpg.Connection) -> None:
    """Make json and jsonb columns read and write Python values on ``conn``."""
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
