"""PostgreSQL's binary COPY format for the field types a load writes.

A stream is ``HEADER``, then per row a 16-bit field count and each field as a 32-bit
length (-1 for null) and its bytes, then ``TRAILER``. The server reads these without
parsing text: integers big-endian, ``timestamptz`` as microseconds since 2000-01-01
UTC, ``jsonb`` as a version byte (1) and its JSON text, ``numeric`` as base-10000
digits, ``bytea`` and ``text`` as their bytes (the COPY chapter of PostgreSQL's
documentation, "Binary Format", and each type's ``*_send`` function).
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from decimal import Decimal

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
NULL = struct.pack(">i", -1)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_LENGTH = struct.Struct(">i")


def text(value: bytes) -> bytes:
    """A ``text`` (or ``bytea``) field of ``value``."""
    return _LENGTH.pack(len(value)) + value


def jsonb(value: bytes) -> bytes:
    """A ``jsonb`` field of JSON text ``value``."""
    return _LENGTH.pack(len(value) + 1) + b"\x01" + value


def int2(value: int) -> bytes:
    return struct.pack(">ih", 2, value)


def int4(value: int) -> bytes:
    return struct.pack(">ii", 4, value)


def int8(value: int) -> bytes:
    return struct.pack(">iq", 8, value)


def boolean(value: bool) -> bytes:
    return b"\x00\x00\x00\x01\x01" if value else b"\x00\x00\x00\x01\x00"


def microseconds(at: datetime) -> int:
    """``at`` (time-zone aware) as microseconds since 2000-01-01 UTC."""
    return (at - EPOCH) // MICROSECOND


def timestamptz(at: datetime) -> bytes:
    return int8(microseconds(at))


def numeric(value: Decimal) -> bytes:
    """A ``numeric`` field of a finite decimal, its scale kept."""
    sign, _, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"{value} is not a finite decimal")
    scale = max(0, -exponent)
    whole, _, fraction = format(abs(value), "f").partition(".")
    whole = whole.lstrip("0")
    whole = "0" * (-len(whole) % 4) + whole
    fraction = fraction + "0" * (-len(fraction) % 4)
    groups = [int(whole[i : i + 4]) for i in range(0, len(whole), 4)]
    weight = len(groups) - 1
    groups += [int(fraction[i : i + 4]) for i in range(0, len(fraction), 4)]
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    body = struct.pack(f">hhhh{len(groups)}h", len(groups), weight,
                       0x4000 if sign and groups else 0, scale, *groups)  # fmt: skip
    return _LENGTH.pack(len(body)) + body
