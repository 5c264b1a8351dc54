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


def decode_cursor(cursor: str | None, arity: int, field: str = "after") -> list[Any] | None:
    """The sort key inside ``cursor``; InvalidInput (naming ``field``) if it was not one
    of ours."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("malformed cursor", field) from None
    if not isinstance(key, list) or len(key) != arity:
        raise InvalidInput("malformed cursor", field)
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
    has_previous: bool = False


def make_page(rows: list[T], first: int, total: int, key: Any) -> Page[T]:
    """Trim the ``first + 1`` rows fetched to a page; ``key(row)`` gives the sort key."""
    has_next = len(rows) > first
    items = rows[:first]
    return Page(items, [encode_cursor(key(r)) for r in items], has_next, total)


@dataclass(frozen=True, slots=True)
class Slice:
    """The page a connection's ``first``/``after`` or ``last``/``before`` ask for.

    Rows are read in *reading order*: the list's own order, or its reverse when
    ``backward`` (``last``), from just past ``key`` (the decoded cursor), ``size + 1``
    of them; ``slice_page`` turns them back into the list's order."""

    size: int
    key: list[Any] | None
    backward: bool

    def descending(self, listed_descending: bool) -> bool:
        """Whether rows are read in descending key order for a list ordered so."""
        return listed_descending != self.backward


def slice_of(
    first: int | None, after: str | None, last: int | None, before: str | None, arity: int
) -> Slice:
    """Validate a connection's paging arguments (forward or backward, not both)."""
    if last is None and before is None:
        return Slice(page_size(first), decode_cursor(after, arity), False)
    if first is not None or after is not None:
        raise InvalidInput("page with first/after or with last/before, not both", "last")
    if last is not None and not 1 <= last <= MAX_PAGE:
        raise InvalidInput(f"last must be between 1 and {MAX_PAGE}", "last")
    return Slice(last or DEFAULT_PAGE, decode_cursor(before, arity, "before"), True)


def slice_page(rows: list[T], window: Slice, total: int, key: Any) -> Page[T]:
    """The page of ``rows`` (read in reading order, ``size + 1`` at most) in list order."""
    more = len(rows) > window.size
    items = rows[: window.size]
    if window.backward:
        items.reverse()
    cursors = [encode_cursor(key(r)) for r in items]
    resumed = window.key is not None
    if window.backward:
        return Page(items, cursors, has_next=resumed, total=total, has_previous=more)
    return Page(items, cursors, has_next=more, total=total, has_previous=resumed)
