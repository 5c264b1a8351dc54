"""Recognising bots, so their work is stored but never credited (pure).

A bot is a ``[bot]`` login or name, a forge account typed ``Bot``, a bot's noreply
address, a known automation account, or a login/email the project lists in its
``intake_bots`` setting.
"""

from __future__ import annotations

import re
from functools import lru_cache

KNOWN_BOTS: frozenset[str] = frozenset(
    {
        "dependabot",
        "renovate",
        "renovate-bot",
        "github-actions",
        "pre-commit-ci",
        "codecov",
        "greenkeeper",
        "snyk-bot",
        "allcontributors",
        "mergify",
        "imgbot",
        "weblate",
        "gitlab-bot",
    }
)
_NOREPLY_BOT = re.compile(
    r"(\[bot\]@users\.noreply\.github\.com"
    r"|^project_\d+_bot\w*@noreply\."
    r"|^group_\d+_bot\w*@noreply\."
    r"|^(bot|noreply-bot|ci-bot)@)",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def is_bot(
    login: str | None,
    name: str | None,
    email: str | None,
    account_type: str | None = None,
    extra: tuple[str, ...] = (),
) -> bool:
    """True when any of the signals names an automation account."""
    listed = {e.lower() for e in extra}
    for value in (login, name):
        if value:
            lowered = value.lower()
            if lowered.endswith("[bot]") or lowered in KNOWN_BOTS or lowered in listed:
                return True
    if account_type and account_type.lower() == "bot":
        return True
    if email:
        lowered = email.lower()
        if _NOREPLY_BOT.search(lowered) or lowered in listed:
            return True
    return bool(login and re.fullmatch(r"project_\d+_bot\w*", login))
