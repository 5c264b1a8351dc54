"""Turning a delivery's payload into activities, driven by the rule tables of
``intake.rules.table`` (pure, no I/O).

A rule says when it applies (``when``: dotted paths and the values they must hold)
and what it emits: commits (each author, each ``Co-authored-by``: ``intake.commits``),
or items (one person, one kind, one natural key built from payload fields).

Nothing personal goes into a key or into metadata: a commit email is keyed by its
pseudonym (``git:<sha>:co:<pseudonym>``, an identity's external id), co-authors and
sign-offs travel beside the activity as actors (recorded as contributor numbers), and
a login, name or account id that is an IP address (an anonymous wiki edit) is kept
out, the account keyed by its pseudonym.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from intake.accounts import forge_account
from intake.commits import commit_activities, commit_actor
from intake.payload import Activity, Mapped, Options, PayloadError, parse_time, pick, text
from intake.rules.table import RULES, SHAPES
from intake.rules.types import Emit, Rule
from ledger.kernel.pseudonyms import Pseudonyms

__all__ = ["is_relevant", "map_delivery"]

_FIELD = re.compile(r"\{([^{}]+)\}")
BUG_LABELS = frozenset({"bug", "defect", "regression", "crash", "type: bug", "kind/bug"})
IDEA_LABELS = frozenset(
    {"enhancement", "feature", "feature request", "idea", "proposal", "kind/feature"}
)
NO_RULES = "no_rules"
"""Why a delivery is ignored when its forge's table maps nothing for its event."""


def is_relevant(forge: str, event: str) -> bool:
    """True when the forge's table has rules for this event."""
    return event in RULES.get(forge, {})


def _kind(emit: Emit, item: Any, options: Options) -> str:
    if emit.kind_path:
        value = text(pick(item, emit.kind_path))
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


def _facts(forge: str, emit: Emit, item: Any, root: Any, at: datetime) -> dict[str, Any]:
    """The thread, role, opening time (if not after ``at``) and repository the emit
    names, where the payload holds them (a payload without them still yields its
    contribution, without those facts)."""
    facts: dict[str, Any] = {}
    for template in emit.thread:
        try:
            facts["thread"] = f"{forge}:{_key(template, item, root, '')}"
        except PayloadError:
            continue
        if emit.role:
            facts["thread_role"] = emit.role
        break
    opened = _at(emit.opened, item, root) if emit.opened and "thread" in facts else None
    try:
        opened_at = parse_time(opened) if opened else None
    except PayloadError:
        opened_at = None
    if opened_at is not None and opened_at <= at:
        facts["opened_at"] = opened_at.isoformat()
    repository = text(_at(emit.repository, item, root)) if emit.repository else None
    if repository:
        facts["repository"] = repository
    return facts


def _emit(
    forge: str,
    emit: Emit,
    item: Any,
    root: Any,
    context: tuple[str, datetime],
    options: Options,
    keys: Pseudonyms,
) -> Activity | None:
    delivery, received_at = context
    user = _at(emit.person, item, root)
    if emit.git_author:
        email = str(pick(user, "email") or "") if isinstance(user, dict) else ""
        name = str(pick(user, "name") or "") if isinstance(user, dict) else ""
        actor = commit_actor(name, email, None, options, keys) if "@" in email else None
    else:
        actor = forge_account(forge, SHAPES[forge], user, options, keys)
    if actor is None:
        if emit.optional:
            return None
        raise PayloadError(f"{emit.person} is missing")
    at = received_at if emit.at == "$received" else parse_time(_at(emit.at, item, root))
    url = text(pick(item, emit.url)) if emit.url else None
    key = f"{forge}:{_key(emit.key, item, root, delivery)}"
    facts = _facts(forge, emit, item, root, at)
    return Activity(actor, _kind(emit, item, options), at, key, url, facts)


def _applies(rule: Rule, payload: Any) -> bool:
    return all(pick(payload, path) in allowed for path, allowed in rule.when)


def map_delivery(
    forge: str,
    event: str,
    payload: Any,
    delivery: str,
    received_at: datetime,
    keys: Pseudonyms,
    options: Options | None = None,
) -> Mapped:
    """The activities a delivery yields under its forge's rule table (empty if none apply);
    ``keys`` are the instance's pseudonyms (commit emails and personal account ids)."""
    options = options or Options()
    found: list[Activity] = []
    truncated = False
    for rule in RULES.get(forge, {}).get(event, ()):
        if not _applies(rule, payload):
            continue
        if rule.commits is not None:
            commits, cut = commit_activities(forge, rule.commits, payload, options, keys)
            found += commits
            truncated = truncated or cut
        for emit in rule.emits:
            items: Iterable[Any] = pick(payload, emit.each) if emit.each else [payload]
            for item in items or []:
                context = (delivery, received_at)
                activity = _emit(forge, emit, item, payload, context, options, keys)
                if activity is not None:
                    found.append(activity)
    return Mapped(found, truncated)
