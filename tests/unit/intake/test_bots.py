from __future__ import annotations

import json
from importlib import resources

import pytest

from intake.bots import automation, is_assistant, is_bot


@pytest.mark.parametrize(
    ("login", "name", "email"),
    [
        (None, "ImgBotApp", "ImgBotApp@gmail.com"),
        (None, "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"),
        ("renovate[bot]", None, None),
        (None, "Weblate (bot)", "noreply@weblate.org"),
        (None, "Someone", "action@github.com"),
    ],
)
def test_common_bots_are_known(login: str | None, name: str | None, email: str | None) -> None:
    assert automation(login, name, email) == "bot"


@pytest.mark.parametrize(
    ("name", "email"),
    [
        ("Claude", "noreply@anthropic.com"),
        ("Copilot", "175728472+Copilot@users.noreply.github.com"),
        ("Copilot Autofix powered by AI", "175728472+Copilot@users.noreply.github.com"),
        ("codex", "codex@openai.com"),
        ("Paul (aider)", "paul@example.org"),
        ("Cursor Agent", "cursoragent@cursor.com"),
        ("claude[bot]", "209825114+claude[bot]@users.noreply.github.com"),
    ],
)
def test_ai_assistants_are_known_and_are_not_bots(name: str, email: str) -> None:
    assert is_assistant(None, name, email)
    assert not is_bot(None, name, email)


def test_people_who_share_a_first_name_with_an_assistant_are_people() -> None:
    for name in ("Claude", "Devin", "Jules", "Gemini"):
        assert automation(None, name, f"{name.lower()}@example.org") is None


def test_the_data_file_holds_lowercase_names_and_valid_patterns() -> None:
    raw = resources.files("intake").joinpath("known_bots.json").read_text("utf-8")
    data = json.loads(raw)
    for category in ("bots", "assistants"):
        names = data[category]["names"]
        assert names == sorted(names)
        assert all(n == n.lower() for n in names)
        assert set(data[category]) == {"names", "emails", "email_patterns", "name_patterns"}
