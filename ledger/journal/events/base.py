"""What every event type of the catalogue is built from: the ``Event`` base, the
``Part`` base of nested records, the field shapes the bodies share, and the errors.

A body is a JSON object, so every field is a JSON value: instants, dates, decimals
and digests travel as text in one fixed form each (the aliases below), integers stay
integers. A key that a writer sometimes leaves out is typed ``X | UnsetType`` with
the default ``UNSET``, so it stays absent when encoded; no other field has a default.

A field's ``Meta`` (its description, pattern, and ``extra`` keys) is published in the
catalogue's JSON Schema; a per-field marker such as ``extra={"personal": True}`` is
added the same way, as ``Annotated[str, Meta(extra={...})]``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, TypeVar

import msgspec

T = TypeVar("T")

Timestamp = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$",
        description="An instant: RFC 3339 in UTC with microseconds and 'Z'.",
    ),
]
Day = Annotated[
    str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$", description="A calendar date (ISO 8601).")
]
DecimalText = Annotated[
    str, msgspec.Meta(description="An exact decimal number as text (never a JSON number).")
]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$", description="Hex SHA-256.")]
Hex = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]*$", description="Bytes as lowercase hex.")]


def or_unset(value: T | None) -> T | msgspec.UnsetType:
    """``value``, or UNSET (the key is left out of the body) when it is None."""
    return msgspec.UNSET if value is None else value


def or_none(value: T | msgspec.UnsetType) -> T | None:
    """A decoded field's value, or None when its key was left out."""
    return None if value is msgspec.UNSET else value


class Part(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A record nested in an event body (an entry, a tally sheet row...)."""


class Event(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The body of one journal event. ``TYPE`` is the event's name in the journal
    (defined here once), ``VERSION`` the version of its body's shape."""

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]


class EventError(ValueError):
    """An event the catalogue cannot read: the base of the errors below."""


class UnknownEventType(EventError):
    """No event type of that name is in the catalogue."""

    def __init__(self, name: object) -> None:
        shown = (
            f"{name.__qualname__} (not in the catalogue)" if isinstance(name, type) else repr(name)
        )
        super().__init__(f"unknown journal event type {shown}")
        self.name = name


class UnknownEventVersion(EventError):
    """The event type exists, but not in that version."""

    def __init__(self, name: str, version: int, known: tuple[int, ...]) -> None:
        listed = ", ".join(map(str, known))
        super().__init__(f"journal event type {name!r} has no version {version} (has {listed})")
        self.name = name
        self.version = version


class MalformedEvent(EventError):
    """A body that does not have its type's shape; the message says where."""

    def __init__(self, name: str, version: int, reason: str) -> None:
        super().__init__(f"malformed {name} v{version} body: {reason}")
        self.name = name
        self.version = version
        self.reason = reason
