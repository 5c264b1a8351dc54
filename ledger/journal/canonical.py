"""Canonical JSON (RFC 8785) and the hashes built on it.

Anyone holding the published events can recompute every hash with any RFC 8785
implementation; this module is the single place the service does it.

``rfc8785`` is the reference. For the documents the journal writes (no floats,
integers within I-JSON's exact range, ASCII keys) RFC 8785 output is exactly
sorted, compact UTF-8 JSON, which ``orjson`` produces many times faster; a property
test holds the two to byte equality on that domain, and anything outside it
(floats, huge integers, non-ASCII keys) goes to the reference.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson
import rfc8785

GENESIS_HASH = bytes(32)
_EXACT = 2**53 - 1


def _plain(value: Any) -> bool:
    """True when ``value`` holds only strings, booleans, null, exact integers,
    lists and ASCII-keyed objects (checked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -_EXACT <= item <= _EXACT:
                continue
            return False
        if kind is dict:
            for key in item:
                if type(key) is not str or not key.isascii():
                    return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        else:
            return False
    return True


def canonical_json(value: Any) -> bytes:
    """Serialise ``value`` per RFC 8785 (sorted keys, no spaces, ES6 numbers)."""
    if _plain(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # e.g. lone surrogates: the reference decides
    return rfc8785.dumps(value)


def sha256(data: bytes) -> bytes:
    """SHA-256 digest of ``data``."""
    return hashlib.sha256(data).digest()


def timestamp(value: datetime) -> str:
    """The one textual form of an instant in hashed documents: UTC, microseconds, 'Z'."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"
