"""The binary COPY fields a load writes are read back by PostgreSQL as the values meant."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import asyncpg
import pytest

from ledger.register.bulk import binary

DECIMALS = ["0", "0.0000", "0.0001", "1.0000", "2.5000", "0.1250", "10000.0000",
            "1234.5678", "12345.6789", "99999999.9999", "-3.2500"]  # fmt: skip
INSTANTS = [
    datetime(2000, 1, 1, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2026, 7, 1, 12, 30, 5, 17, tzinfo=timezone(timedelta(hours=-5))),
]


@pytest.mark.parametrize("value", DECIMALS)
async def test_a_numeric_field_is_read_as_the_same_decimal(pool: asyncpg.Pool, value: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("CREATE TEMP TABLE n (v numeric(14, 4))")
        row = struct.pack(">h", 1) + binary.numeric(Decimal(value))
        await conn.copy_to_table("n", source=memoryview(binary.HEADER + row + binary.TRAILER),
                                 format="binary")  # fmt: skip
        assert await conn.fetchval("SELECT v FROM n") == Decimal(value)


async def test_every_other_field_type_is_read_as_written(pool: asyncpg.Pool) -> None:
    rows = b"".join(
        struct.pack(">h", 8) + binary.timestamptz(at) + binary.jsonb(b'{"a": [1, "\\u00e9"]}')
        + binary.text("é\t\\x".encode()) + binary.text(bytes(range(32))) + binary.int2(-7)
        + binary.int4(2**31 - 1) + binary.int8(-(2**53)) + binary.boolean(n % 2 == 0)
        for n, at in enumerate(INSTANTS)
    )  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "CREATE TEMP TABLE f (t timestamptz, j jsonb, s text, b bytea, i2 smallint, "
            "i4 integer, i8 bigint, o boolean)"
        )
        await conn.copy_to_table(
            "f", source=memoryview(binary.HEADER + rows + binary.TRAILER), format="binary"
        )
        found = await conn.fetch("SELECT t, j::text, s, b, i2, i4, i8, o FROM f")
    assert [tuple(r) for r in found] == [
        (at, '{"a": [1, "é"]}', "é\t\\x", bytes(range(32)), -7, 2**31 - 1, -(2**53), n % 2 == 0)
        for n, at in enumerate(INSTANTS)
    ]
