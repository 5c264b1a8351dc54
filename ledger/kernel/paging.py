"""Keyset paging: opaque cursors and page-size rules shared by every connection.

A cursor encodes the sort key of the last row seen; the next page is read with
``WHERE (k1, k2) < ($a, $b) ORDER BY k1 DESC, k2 DESC LIMIT first + 1`` in SQL.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from ledger.kernel.errors import InvalidInput

T = TypeVar("T", covariant=True)
MAX_PAGE = 100
DEFAULT_PAGE = 20


def page_size(first: int | None) -> int:
    """Validate ``first``: 1..100, default 20."""
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}", "first")
    return first


def encode_cursor(key: Sequence[Any]) -> str:
    """An opaque cursor for a row's sort key (JSON-compatible values)."""
    raw = json.dumps(list(key), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The sort key inside ``cursor``; InvalidInput if it was not one of ours."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("malformed cursor", "after") from None
    if not isinstance(key, list) or len(key) != arity:
        raise InvalidInput("malformed cursor", "after")
    return key


def _malformed() -> InvalidInput:
    return InvalidInput("malformed cursor", "after")


def cursor_int(value: Any) -> int:
    """An integer (int64) part of a decoded cursor; InvalidInput otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
        raise _malformed()
    return value


def cursor_time(value: Any) -> datetime:
    """A time-zone-aware ISO timestamp part of a decoded cursor; InvalidInput otherwise."""
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise _malformed()
    return at


def cursor_decimal(value: Any) -> Decimal:
    """A finite decimal-string part of a decoded cursor; InvalidInput otherwise."""
    try:
        number = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _malformed()
    return number


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of rows with the cursors that continue it."""

    items: list[T]
    cursors: list[str]
    has_next: bool
    total: int


def make_page(rows: list[T], first: int, total: int, key: Any) -> Page[T]:
    """Trim the ``first + 1`` rows fetched to a page; ``key(row)`` gives the sort key."""
    has_next = len(rows) > first
    items = rows[:first]
    return Page(items, [encode_cursor(key(r)) for r in items], has_next, total)
