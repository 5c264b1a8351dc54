"""The vocabulary of the mapping tables: user shapes, commit lists, emits and rules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UserShape:
    """Where a forge's user object keeps its stable id, login, name and email."""

    id: str
    login: str
    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class Commits:
    """Where a push lists its commits and each commit's fields (``author_account``: the
    forge account the forge matched to the author, when it gives one)."""

    path: str
    sha: str
    message: str
    time: str
    author_name: str = "author.name"
    author_email: str = "author.email"
    author_login: str | None = None
    url: str = "url"
    author_raw: str | None = None
    author_account: str | None = None
    total: str | None = None
    truncated_flag: str | None = None


@dataclass(frozen=True, slots=True)
class Emit:
    """One contribution per matching payload (or per item of ``each``). ``thread`` (key
    templates, the first that resolves), ``role``, ``opened`` and ``repository`` (paths)
    say which issue or change request it belongs to (``ledger.register.facts``)."""

    kind: str
    person: str
    key: str
    at: str
    url: str | None = None
    each: str | None = None
    labels: str | None = None
    on_pull: str | None = None
    kind_path: str | None = None
    optional: bool = False
    git_author: bool = False
    thread: tuple[str, ...] = ()
    role: str | None = None
    opened: str | None = None
    repository: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """Applies when every ``when`` path holds one of its values."""

    when: tuple[tuple[str, tuple[object, ...]], ...] = ()
    commits: Commits | None = None
    emits: tuple[Emit, ...] = ()


def on(path: str, *values: object) -> tuple[tuple[str, tuple[object, ...]], ...]:
    """A ``when`` clause: the value at ``path`` must be one of ``values``."""
    return ((path, values),)
