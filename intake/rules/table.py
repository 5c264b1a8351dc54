"""The mapping tables: for each forge, which events yield which contributions.

Pure data read by ``intake.mapping``. Paths are dotted (``pull_request.user``);
``a[]`` flattens a list; inside an ``each`` emit, paths are relative to the item and
``$.`` reaches the payload root. Keys are prefixed with the forge name; ``{$delivery}``
is the delivery id (for payloads that carry no id of their own) and ``$received``
as a time means when the delivery arrived (for payloads that carry no time).
"""

from __future__ import annotations

from intake.rules.bitbucket import BITBUCKET
from intake.rules.gitea import GITEA
from intake.rules.github import GITHUB
from intake.rules.gitlab import GITLAB
from intake.rules.types import Emit, Rule, UserShape

SHAPES: dict[str, UserShape] = {
    "github": UserShape("id", "login", "name", "email"),
    "gitlab": UserShape("id", "username", "name", "email"),
    "gitea": UserShape("id", "login", "full_name", "email"),
    "forgejo": UserShape("id", "login", "full_name", "email"),
    "bitbucket": UserShape("uuid", "nickname", "display_name", None),
    "standard": UserShape("id", "login", "name", "email"),
}

STANDARD: dict[str, tuple[Rule, ...]] = {
    "contribution.created": (
        Rule(
            emits=(
                Emit(
                    "",
                    "data.author",
                    "{data.id}",
                    "data.occurred_at",
                    "data.url",
                    kind_path="data.kind",
                ),
            )
        ),
    ),
}

RULES: dict[str, dict[str, tuple[Rule, ...]]] = {
    "github": GITHUB,
    "gitlab": GITLAB,
    "gitea": GITEA,
    "forgejo": GITEA,
    "bitbucket": BITBUCKET,
    "standard": STANDARD,
}
