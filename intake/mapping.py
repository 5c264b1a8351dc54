"""Turning a delivery's payload into activities, driven by the rule tables of
``intake.rules.table`` (pure, no I/O).

A rule says when it applies (``when``: dotted paths and the values they must hold)
and what it emits: commits (each author, each ``Co-authored-by``), or items (one
person, one kind, one natural key built from payload fields).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from intake.bots import is_bot
from intake.rules.table import RULES, SHAPES
from intake.rules.types import Commits, Emit, Rule, UserShape
from intake.trailers import normalise_email, parse_author, parse_trailers

_FIELD = re.compile(r"\{([^{}]+)\}")
BUG_LABELS = frozenset({"bug", "defect", "regression", "crash", "type: bug", "kind/bug"})
IDEA_LABELS = frozenset(
    {"enhancement", "feature", "feature request", "idea", "proposal", "kind/feature"}
)
DEFAULT_COMMENT_KINDS = {"issue": "question", "pull": "review"}
NO_RULES = "no_rules"
"""Why a delivery is ignored when its forge's table maps nothing for its event."""


class PayloadError(ValueError):
    """The payload lacks a field its event needs (the delivery cannot be processed)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a forge account (``source`` = forge) or a commit email (``git``)."""

    source: str
    external_id: str
    login: str | None = None
    name: str | None = None
    email: str | None = None
    email_verified: bool = False
    bot: bool = False
    via: str | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """One contribution to record, not yet tied to a contributor."""

    actor: Actor
    kind: str
    occurred_at: datetime
    natural_key: str
    url: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Mapped:
    """What a delivery yields; ``truncated`` when the forge listed only part of a push."""

    activities: list[Activity]
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Options:
    """Per-project switches: extra bot names and how comments are counted."""

    bots: tuple[str, ...] = ()
    comment_kinds: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COMMENT_KINDS))

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Options:
        """Options from a project's settings (``intake_bots``, ``intake_comment_kinds``)."""
        kinds = {**DEFAULT_COMMENT_KINDS, **(settings.get("intake_comment_kinds") or {})}
        return cls(tuple(settings.get("intake_bots") or ()), kinds)


def is_relevant(forge: str, event: str) -> bool:
    """True when the forge's table has rules for this event."""
    return event in RULES.get(forge, {})


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
    text = value.strip().replace(" UTC", "+00:00")
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(f"unreadable time {value!r}") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _account(source: str, shape: UserShape, user: Any, options: Options) -> Actor | None:
    if isinstance(user, (int, str)) and not isinstance(user, bool):
        user = {shape.id: user}
    if not isinstance(user, dict) or _text(user.get(shape.id)) is None:
        return None
    login, name = _text(user.get(shape.login)), _text(user.get(shape.name))
    email = _text(user.get(shape.email)) if shape.email else None
    email = normalise_email(email) if email and "@" in email else None
    kind = _text(user.get("type"))
    bot = is_bot(login, name, email, kind, options.bots)
    return Actor(source, str(user[shape.id]), login, name, email, False, bot)


def commit_actor(
    name: str, email: str, login: str | None, options: Options, via: str | None = None
) -> Actor:
    """The git identity of a commit email (external id = normalised email); ``via`` names
    the forge whose account ``login`` the forge matched to this email."""
    email = normalise_email(email)
    bot = is_bot(login, name, email, None, options.bots)
    return Actor("git", email, login, name or email, email, False, bot, via if login else None)


def _commit_activities(
    forge: str, spec: Commits, payload: Any, options: Options
) -> tuple[list[Activity], bool]:
    found: list[Activity] = []
    for commit in pick(payload, spec.path) or []:
        sha = _text(pick(commit, spec.sha))
        message = pick(commit, spec.message) or ""
        if sha is None:
            raise PayloadError("a commit without its id")
        if spec.author_raw:
            person = parse_author(str(pick(commit, spec.author_raw) or ""))
            name, email = (person.name, person.email) if person else ("", "")
        else:
            name = str(pick(commit, spec.author_name) or "")
            email = str(pick(commit, spec.author_email) or "")
        if "@" not in email:
            continue
        login = _text(pick(commit, spec.author_login)) if spec.author_login else None
        at = parse_time(pick(commit, spec.time))
        url = _text(pick(commit, spec.url))
        found += commit_contributions(
            sha, str(message), name, email, login, at, url, options, forge
        )
    counted = pick(payload, spec.total) if spec.total else None
    truncated = isinstance(counted, int) and counted > len(pick(payload, spec.path) or [])
    if spec.truncated_flag:
        truncated = truncated or any(bool(v) for v in pick(payload, spec.truncated_flag) or [])
    return found, truncated


def commit_contributions(
    sha: str,
    message: str,
    name: str,
    email: str,
    login: str | None,
    at: datetime,
    url: str | None,
    options: Options,
    via: str | None = None,
) -> list[Activity]:
    """A commit's author (code, with its trailers in metadata) and each co-author (code)."""
    trailers = parse_trailers(message, email)
    author = commit_actor(name, email, login, options, via)
    metadata = {
        "commit": sha,
        "signoffs": [p.as_json() for p in trailers.signoffs],
        "co_authors": [p.as_json() for p in trailers.co_authors],
    }
    found = [Activity(author, "code", at, f"git:{sha}", url, metadata)]
    for co in trailers.co_authors:
        actor = commit_actor(co.name, co.email, None, options)
        meta = {"commit": sha, "role": "co-author"}
        found.append(Activity(actor, "code", at, f"git:{sha}:co:{co.email}", url, meta))
    return found


def _kind(emit: Emit, item: Any, options: Options) -> str:
    if emit.kind_path:
        value = _text(pick(item, emit.kind_path))
        if value is None:
            raise PayloadError(f"{emit.kind_path} is missing")
        return value
    if emit.labels:
        raw = pick(item, emit.labels)
        names = {str(n).lower() for n in (raw if isinstance(raw, list) else [raw]) if n}
        return "ideas" if names & IDEA_LABELS and not names & BUG_LABELS else "bug"
    if emit.on_pull is not None:
        return options.comment_kinds["pull" if pick(item, emit.on_pull) else "issue"]
    return emit.kind


def _key(template: str, item: Any, root: Any, delivery: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "$delivery":
            return delivery
        found = pick(root, name[2:]) if name.startswith("$.") else pick(item, name)
        if found is None or found == "":
            raise PayloadError(f"{name} is missing")
        return str(found)

    return _FIELD.sub(value, template)


def _at(path: str, item: Any, root: Any) -> Any:
    return pick(root, path[2:]) if path.startswith("$.") else pick(item, path)


def _emit(
    forge: str, emit: Emit, item: Any, root: Any, context: tuple[str, datetime], options: Options
) -> Activity | None:
    delivery, received_at = context
    user = _at(emit.person, item, root)
    if emit.git_author:
        email = str(pick(user, "email") or "") if isinstance(user, dict) else ""
        name = str(pick(user, "name") or "") if isinstance(user, dict) else ""
        actor = commit_actor(name, email, None, options) if "@" in email else None
    else:
        actor = _account(forge, SHAPES[forge], user, options)
    if actor is None:
        if emit.optional:
            return None
        raise PayloadError(f"{emit.person} is missing")
    at = received_at if emit.at == "$received" else parse_time(_at(emit.at, item, root))
    url = _text(pick(item, emit.url)) if emit.url else None
    key = f"{forge}:{_key(emit.key, item, root, delivery)}"
    return Activity(actor, _kind(emit, item, options), at, key, url)


def _applies(rule: Rule, payload: Any) -> bool:
    return all(pick(payload, path) in allowed for path, allowed in rule.when)


def map_delivery(
    forge: str,
    event: str,
    payload: Any,
    delivery: str,
    received_at: datetime,
    options: Options | None = None,
) -> Mapped:
    """The activities a delivery yields under its forge's rule table (empty if none apply)."""
    options = options or Options()
    found: list[Activity] = []
    truncated = False
    for rule in RULES.get(forge, {}).get(event, ()):
        if not _applies(rule, payload):
            continue
        if rule.commits is not None:
            commits, cut = _commit_activities(forge, rule.commits, payload, options)
            found += commits
            truncated = truncated or cut
        for emit in rule.emits:
            items: Iterable[Any] = pick(payload, emit.each) if emit.each else [payload]
            for item in items or []:
                activity = _emit(forge, emit, item, payload, (delivery, received_at), options)
                if activity is not None:
                    found.append(activity)
    return Mapped(found, truncated)
