"""Pseudonyms: stable keys derived from personal values without publishing them.

Where a permanent record needs a key that stands for a personal value (a token's
subject as the journal's actor, a commit email with no forge account behind it), it
uses ``HMAC-SHA256(instance secret, kind || 0x00 || value)``, never the value: the
secret lives in the database (``instance_secrets``), shared by every process of the
instance, so the same value always gives the same pseudonym, while nobody without the
secret can test a guess against the public record.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import asyncpg

from ledger.kernel.errors import Unavailable

_LOAD = "SELECT secret FROM instance_secrets WHERE name = 'pseudonym'"
LENGTH = 32
"""Hex digits of a pseudonym (128 bits)."""


class Pseudonyms:
    """Keyed pseudonyms of personal values, by kind (``email``, ``subject``...)."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("a pseudonym key has at least 32 bytes")
        self._key = key

    @classmethod
    def ephemeral(cls) -> Pseudonyms:
        """A key of this process alone (tools and tests that journal nothing)."""
        return cls(secrets.token_bytes(32))

    def of(self, kind: str, value: str) -> str:
        """The pseudonym of ``value`` as a ``kind``: 32 hex digits."""
        message = kind.encode() + b"\x00" + value.encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:LENGTH]

    def email(self, address: str) -> str:
        """The pseudonym of an email address (trimmed, case-folded)."""
        return self.of("email", address.strip().lower())

    def subject(self, subject: str) -> str:
        """The pseudonym of a token's subject."""
        return self.of("subject", subject)


async def load(conn: asyncpg.Connection | asyncpg.Pool) -> Pseudonyms:
    """The instance's pseudonyms (its secret is created by the migrations)."""
    secret = await conn.fetchval(_LOAD)
    if secret is None:
        raise Unavailable("the database has no pseudonym secret; run the migrations")
    return Pseudonyms(bytes(secret))
