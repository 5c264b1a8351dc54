"""The schema of a records file, row by row (pure; documented in ``docs/records.md``).

A row names a contributor by their handle in the community's records (never an email
or an IP address: the handle is published in the journal), a kind, when the work was
done, a natural key unique within the source, and optionally a display name, an
evidence URL and a JSON object of metadata (kept in the register only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from intake.wiki.edits import is_address
from ledger.kernel.errors import InvalidInput
from ledger.register.models import check_kind, check_url

REQUIRED = ("contributor", "kind", "occurred_at", "natural_key")
OPTIONAL = ("contributor_name", "evidence_url", "metadata")
COLUMNS = (*REQUIRED, *OPTIONAL)
MAX_METADATA = 4096
MAX_KEY = 300


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why one line of a file was refused."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A valid row, with the line it started on."""

    line: int
    contributor: str
    name: str | None
    kind: str
    occurred_at: datetime
    natural_key: str
    evidence_url: str | None
    metadata: dict[str, Any]


def _text(row: Mapping[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{column} must be text", column)
    return value.strip() or None


def _handle(value: str | None) -> str:
    if value is None:
        raise InvalidInput("contributor is missing", "contributor")
    if len(value) > 200 or not value.isprintable():
        raise InvalidInput("contributor must be 1 to 200 printable characters", "contributor")
    if "@" in value or is_address(value):
        raise InvalidInput(
            "contributor is a handle, never an email or IP address (it is published)",
            "contributor",
        )
    return value


def parse_when(value: str | None) -> datetime:
    """An ISO 8601 instant with its offset, or a date (midnight UTC)."""
    if value is None:
        raise InvalidInput("occurred_at is missing", "occurred_at")
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"occurred_at {value!r} is not an ISO 8601 date", "occurred_at"
        ) from None
    if at.tzinfo is None:
        raise InvalidInput("occurred_at needs its offset (Z or +02:00)", "occurred_at")
    return at


def _metadata(value: Any) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise InvalidInput("metadata is not valid JSON", "metadata") from None
    if not isinstance(value, dict):
        raise InvalidInput("metadata must be a JSON object", "metadata")
    if len(json.dumps(value)) > MAX_METADATA:
        raise InvalidInput(f"metadata is at most {MAX_METADATA} bytes of JSON", "metadata")
    return value


def check_row(line: int, row: Mapping[str, Any], kinds: frozenset[str]) -> RecordRow:
    """A row of the file as a record; InvalidInput says what is wrong with it."""
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        raise InvalidInput(f"unknown column {unknown[0]!r}", unknown[0])
    kind = _text(row, "kind")
    if kind is None:
        raise InvalidInput("kind is missing", "kind")
    key = _text(row, "natural_key")
    if key is None or len(key) > MAX_KEY or not key.isprintable():
        raise InvalidInput(f"natural_key must be 1 to {MAX_KEY} printable characters", "key")
    name = _text(row, "contributor_name")
    if name is not None and len(name) > 200:
        raise InvalidInput("contributor_name is at most 200 characters", "contributor_name")
    return RecordRow(
        line,
        _handle(_text(row, "contributor")),
        name,
        check_kind(kind, kinds),
        parse_when(_text(row, "occurred_at")),
        key,
        check_url(_text(row, "evidence_url"), "evidence_url"),
        _metadata(row.get("metadata")),
    )
