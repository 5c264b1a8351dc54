"""Canonical JSON (RFC 8785) and the hashes built on it.

Anyone holding the published events can recompute every hash with any RFC 8785
implementation; this module is the single place the service does it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import rfc8785

GENESIS_HASH = bytes(32)


def canonical_json(value: Any) -> bytes:
    """Serialise ``value`` per RFC 8785 (sorted keys, no spaces, ES6 numbers)."""
    return rfc8785.dumps(value)


def sha256(data: bytes) -> bytes:
    """SHA-256 digest of ``data``."""
    return hashlib.sha256(data).digest()


def timestamp(value: datetime) -> str:
    """The one textual form of an instant in hashed documents: UTC, microseconds, 'Z'."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fingerprint(value: Any) -> bytes:
    """A stable digest of a JSON-compatible value (used for idempotent replays)."""
    return sha256(canonical_json(value))
