"""Instants as the recompute counts them: microseconds since the epoch (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(text: str) -> int:
    """An event's timestamp as microseconds since the epoch (UTC)."""
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
