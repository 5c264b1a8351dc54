"""The public facts a contribution's metadata may state for the report's quality
figures, checked when it is recorded and copied into its ``contribution.recorded``
event (pure, no I/O).

Intake (forge webhooks, git and wiki imports) and any client writing metadata use
these keys; ``docs/quality-metadata.md`` describes them for importers:

- ``thread``: the issue or change request the contribution belongs to, one opaque key
  shared by every contribution in it (text, at most 200 characters);
- ``thread_role``: what the contribution was there: ``issue`` (opened the issue),
  ``change`` (authored the change request, recorded when it was merged), ``merge``
  (merged it), ``review`` (reviewed or approved it), ``comment`` (commented on it); a
  role needs a thread (and is not the ``role`` a commit's co-author carries);
- ``opened_at``: for a ``change``, when the change request was opened (ISO 8601 with
  a time zone, not after the contribution itself);
- ``repository``: where it was made, as the forge names it (text);
- ``reverts``: the contribution undoes these (a list of at most 100 commit shas, wiki
  revision numbers or natural keys; an empty list is a revert whose targets are
  unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast, get_args

from ledger.journal.canonical import timestamp
from ledger.journal.events.register import ThreadRole
from ledger.kernel.errors import InvalidInput

ROLES: tuple[ThreadRole, ...] = get_args(ThreadRole)
MAX_TEXT = 200
MAX_TARGETS = 100


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts one contribution states (None or empty where it states none)."""

    thread: str | None = None
    thread_role: ThreadRole | None = None
    opened_at: str | None = None
    repository: str | None = None
    reverts: tuple[str, ...] | None = None


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_TEXT or not value.isprintable():
        raise InvalidInput(
            f"metadata.{name} is printable text of 1 to {MAX_TEXT} characters", f"metadata.{name}"
        )
    return value


def _target(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return _text(value, "reverts")


def _instant(value: Any, occurred_at: datetime) -> str:
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        at = None
    if not isinstance(value, str) or at is None or at.tzinfo is None:
        raise InvalidInput(
            "metadata.opened_at is an instant with a time zone", "metadata.opened_at"
        )
    if at > occurred_at:
        raise InvalidInput("metadata.opened_at is not after the contribution", "metadata.opened_at")
    return timestamp(at)


def facts_of(metadata: dict[str, Any], occurred_at: datetime) -> Facts:
    """The facts ``metadata`` states, checked; InvalidInput naming the bad key."""
    thread = metadata.get("thread")
    role = metadata.get("thread_role")
    if thread is not None:
        thread = _text(thread, "thread")
    if role is not None:
        if role not in ROLES:
            raise InvalidInput(
                f"metadata.thread_role is one of {', '.join(ROLES)}", "metadata.thread_role"
            )
        if thread is None:
            raise InvalidInput("metadata.thread_role needs metadata.thread", "metadata.thread_role")
    opened = metadata.get("opened_at")
    if opened is not None and role != "change":
        raise InvalidInput("metadata.opened_at belongs to a change", "metadata.opened_at")
    repository = metadata.get("repository")
    reverts = metadata.get("reverts")
    if reverts is not None and (not isinstance(reverts, list) or len(reverts) > MAX_TARGETS):
        raise InvalidInput(
            f"metadata.reverts is a list of at most {MAX_TARGETS} items", "metadata.reverts"
        )
    return Facts(
        thread,
        cast(ThreadRole | None, role),
        None if opened is None else _instant(opened, occurred_at),
        None if repository is None else _text(repository, "repository"),
        None if reverts is None else tuple(_target(t) for t in reverts),
    )
