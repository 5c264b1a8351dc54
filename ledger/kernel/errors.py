"""Errors every domain package raises, translated once at the API boundary.

    CommonsError
    ├── InvalidInput        bad input: names the field and what is wrong with it
    ├── NotFound            a referenced record does not exist
    ├── Conflict            the request contradicts a stored fact
    │   └── IdempotencyMismatch   a key replayed with different input
    ├── Forbidden           the caller lacks the role the change needs
    └── Unavailable         the database cannot be reached right now

asyncpg errors never leave a ``store``: each translates them into one of these.
"""

from __future__ import annotations


class CommonsError(Exception):
    """Base of every error a client should expect."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(CommonsError):
    """The input is malformed; ``field`` names where (a dotted path, or empty)."""

    code = "invalid_input"

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotFound(CommonsError):
    """A referenced record does not exist."""

    code = "not_found"


class Conflict(CommonsError):
    """The request contradicts a stored fact (duplicate, wrong state...)."""

    code = "conflict"


class IdempotencyMismatch(Conflict):
    """An idempotency key was replayed with input different from its first use."""

    code = "idempotency_mismatch"


class Forbidden(CommonsError):
    """The caller is not allowed to make this change."""

    code = "forbidden"


class Unavailable(CommonsError):
    """The database is unreachable; the caller may retry."""

    code = "unavailable"
