"""What a delivery's payload is turned into (actors and activities, with the
project's mapping options) and the readers of payload values (dotted paths, times),
shared by ``intake.mapping``, ``intake.commits`` and the imports (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from ledger.kernel.personal import kind_of

DEFAULT_COMMENT_KINDS = {"issue": "question", "pull": "review"}


class PayloadError(ValueError):
    """The payload lacks a field its event needs (the delivery cannot be processed)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a forge account (``source`` = forge) or a commit email (``git``).

    ``host`` is the forge server of an account (for a commit email, the server of the
    account ``via`` names); ``account`` is the forge account the forge itself tied to a
    commit email (``intake.accounts``)."""

    source: str
    external_id: str
    login: str | None = None
    name: str | None = None
    email: str | None = None
    email_verified: bool = False
    bot: bool = False
    via: str | None = None
    assistant: bool = False
    host: str = ""
    account: Actor | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """(source, server, external id): a commit email is one identity on every server."""
        return (self.source, "" if self.source == "git" else self.host, self.external_id)


class Activity(msgspec.Struct, frozen=True, gc=False):
    """One contribution to record, not yet tied to a contributor; ``co_authors`` and
    ``signoffs`` (a commit's trailers) are recorded in metadata by contributor number;
    ``counted`` is False for work the project's policy does not credit (an AI
    assistant's, unless the project credits them). A Struct: a history import makes
    one per commit (``msgspec.structs.replace`` changes one)."""

    actor: Actor
    kind: str
    occurred_at: datetime
    natural_key: str
    url: str | None
    metadata: dict[str, Any] = msgspec.field(default_factory=dict)
    co_authors: tuple[Actor, ...] = ()
    signoffs: tuple[Actor, ...] = ()
    counted: bool = True


@dataclass(frozen=True, slots=True)
class Mapped:
    """What a delivery yields; ``truncated`` when the forge listed only part of a push."""

    activities: list[Activity]
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Options:
    """Per-project switches: extra bot names, how comments are counted, whether AI
    assistants earn credit, what a merge commit without changes of its own earns, and
    whether a repository's ``.mailmap`` merges people or only suggests it."""

    bots: tuple[str, ...] = ()
    comment_kinds: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COMMENT_KINDS))
    assistant_credit: bool = False
    merge_commits: str = "skip"
    mailmap: str = "suggest"

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Options:
        """Options from a project's settings (``intake_bots``, ``intake_comment_kinds``,
        ``intake_assistant_credit``, ``intake_merge_commits``, ``intake_mailmap``)."""
        kinds = {**DEFAULT_COMMENT_KINDS, **(settings.get("intake_comment_kinds") or {})}
        return cls(
            tuple(settings.get("intake_bots") or ()),
            kinds,
            bool(settings.get("intake_assistant_credit", False)),
            str(settings.get("intake_merge_commits") or "skip"),
            str(settings.get("intake_mailmap") or "suggest"),
        )


def pick(data: Any, path: str) -> Any:
    """The value at a dotted path (``a.b.c``); ``a[].b`` flattens lists; None if absent."""
    values = [data]
    for part in path.split("."):
        flat = part.endswith("[]")
        name = part[:-2] if flat else part
        step: list[Any] = []
        for value in values:
            inner = value.get(name) if isinstance(value, dict) else None
            if flat:
                step.extend(inner if isinstance(inner, list) else [])
            elif inner is not None:
                step.append(inner)
        values = step
    if "[]" in path:
        return values
    return values[0] if values else None


def parse_time(value: Any) -> datetime:
    """An ISO 8601 or GitLab ``2013-12-03 17:23:34 UTC`` time, made timezone-aware."""
    if not isinstance(value, str) or not value:
        raise PayloadError("a time field is missing")
    iso = value.strip().replace(" UTC", "+00:00")
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        raise PayloadError(f"unreadable time {value!r}") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def text(value: Any) -> str | None:
    """A payload value as text; None when absent or empty."""
    return str(value) if value not in (None, "") else None


def public(value: str | None) -> str | None:
    """A login or name, or None when it is an email or IP address (personal)."""
    return value if value is not None and kind_of(value) is None else None
