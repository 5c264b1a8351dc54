"""Recognising automation: bots, whose work is stored but never credited, and AI
assistants, credited only when the project's policy says so (pure).

The known accounts are one data file, ``intake/known_bots.json``, kept up to date
in that one place: names and logins, emails and email patterns of common bots
(dependabot, renovate, ImgBot, ``*[bot]`` accounts...) and of AI assistants (Claude's
``noreply@anthropic.com`` co-author trailers, Copilot, Codex...). Beside it, a forge
account typed ``Bot`` is a bot, and so is a login or name the project lists in its
``intake_bots`` setting.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

Automation = Literal["bot", "assistant"]


@dataclass(frozen=True, slots=True)
class _Known:
    """One category of the data file, compiled."""

    names: frozenset[str]
    emails: frozenset[str]
    email_pattern: re.Pattern[str] | None
    name_pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> _Known:
        def pattern(items: list[str]) -> re.Pattern[str] | None:
            return re.compile("|".join(f"(?:{p})" for p in items)) if items else None

        return cls(
            frozenset(n.lower() for n in data.get("names", ())),
            frozenset(e.lower() for e in data.get("emails", ())),
            pattern(data.get("email_patterns", [])),
            pattern(data.get("name_patterns", [])),
        )

    def names_match(self, value: str) -> bool:
        return value in self.names or bool(self.name_pattern and self.name_pattern.search(value))

    def email_matches(self, value: str) -> bool:
        return value in self.emails or bool(self.email_pattern and self.email_pattern.search(value))


@lru_cache(maxsize=1)
def _known() -> dict[Automation, _Known]:
    raw = resources.files("intake").joinpath("known_bots.json").read_text("utf-8")
    data = json.loads(raw)
    return {"assistant": _Known.of(data["assistants"]), "bot": _Known.of(data["bots"])}


@lru_cache(maxsize=65536)
def automation(
    login: str | None,
    name: str | None,
    email: str | None,
    account_type: str | None = None,
    extra: tuple[str, ...] = (),
) -> Automation | None:
    """ "assistant" for a known AI assistant, "bot" for a bot, None for a person."""
    values = [v.strip().lower() for v in (login, name) if v and v.strip()]
    address = email.strip().lower() if email else ""
    for category in ("assistant", "bot"):
        known = _known()[category]
        if any(known.names_match(v) for v in values):
            return category
        if address and known.email_matches(address):
            return category
    listed = {e.lower() for e in extra}
    if any(v in listed for v in (*values, address)) or (account_type or "").lower() == "bot":
        return "bot"
    return None


def is_bot(
    login: str | None,
    name: str | None,
    email: str | None,
    account_type: str | None = None,
    extra: tuple[str, ...] = (),
) -> bool:
    """True when any of the signals names a bot (an AI assistant is not one)."""
    return automation(login, name, email, account_type, extra) == "bot"


def is_assistant(login: str | None, name: str | None, email: str | None) -> bool:
    """True when the signals name a known AI assistant."""
    return automation(login, name, email) == "assistant"
