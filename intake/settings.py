"""The project's intake policy, as project settings (each change journaled as
``project.settings_changed``):

- ``intake_bots``: more logins or names that are bots (beside ``intake/known_bots.json``);
  an email is refused here (it would be journaled): mark an email-only bot by its
  contributor number (``intake.bot_marks``).
- ``intake_assistant_credit``: whether AI assistants' work earns credit (default no:
  recorded, uncounted).
- ``intake_merge_commits``: what a merge commit without changes of its own earns:
  ``skip`` (default: not a contribution) or ``maintenance`` (credited as maintenance to
  its committer).
- ``intake_mailmap``: ``suggest`` (default: a ``.mailmap``'s pairs are merge suggestions)
  or ``apply`` (an import merges them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from ledger.kernel.errors import InvalidInput
from ledger.kernel.personal import kind_of
from ledger.register import projects
from ledger.register.models import Project

MERGE_COMMITS = ("skip", "maintenance")
MAILMAP = ("suggest", "apply")
MAX_BOTS = 500


@dataclass(frozen=True, slots=True)
class IntakeSettings:
    """A project's intake policy."""

    bots: tuple[str, ...] = ()
    assistant_credit: bool = False
    merge_commits: str = "skip"
    mailmap: str = "suggest"

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> IntakeSettings:
        """The policy in a project's settings (defaults where unset)."""
        return cls(
            tuple(settings.get("intake_bots") or ()),
            bool(settings.get("intake_assistant_credit", False)),
            str(settings.get("intake_merge_commits") or "skip"),
            str(settings.get("intake_mailmap") or "suggest"),
        )


def check_bots(bots: Sequence[str]) -> tuple[str, ...]:
    """Logins or names, trimmed, deduplicated (case-insensitively), in order; an
    email or an empty or overlong entry is refused."""
    if len(bots) > MAX_BOTS:
        raise InvalidInput(f"at most {MAX_BOTS} bots can be listed", "bots")
    found: dict[str, str] = {}
    for raw in bots:
        name = raw.strip()
        if not 1 <= len(name) <= 100:
            raise InvalidInput("a bot's login or name has 1 to 100 characters", "bots")
        if kind_of(name) is not None or "@" in name:
            raise InvalidInput(
                "list bots by login or name; mark a bot known only by its email with "
                "setContributorBot",
                "bots",
            )
        found.setdefault(name.lower(), name)
    return tuple(found.values())


def _choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}", field)
    return value


async def set_intake_settings(
    conn: asyncpg.Connection,
    project: Project,
    actor: str,
    *,
    bots: Sequence[str] | None = None,
    assistant_credit: bool | None = None,
    merge_commits: str | None = None,
    mailmap: str | None = None,
) -> IntakeSettings:
    """Change the given parts of the policy (caller's transaction), one journaled
    settings event per value that changed; the policy now in force."""
    wanted: dict[str, Any] = {}
    if bots is not None:
        wanted["intake_bots"] = list(check_bots(bots))
    if assistant_credit is not None:
        wanted["intake_assistant_credit"] = assistant_credit
    if merge_commits is not None:
        wanted["intake_merge_commits"] = _choice(merge_commits, MERGE_COMMITS, "mergeCommits")
    if mailmap is not None:
        wanted["intake_mailmap"] = _choice(mailmap, MAILMAP, "mailmap")
    current = IntakeSettings.of(project.settings)
    for key, value in wanted.items():
        if project.settings.get(key) != value:
            project = await projects.update_settings(conn, project, key, value, actor)
    return IntakeSettings.of(project.settings) if wanted else current
