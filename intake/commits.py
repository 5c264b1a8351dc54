"""Commits in deliveries and in git history: each author and each ``Co-authored-by``
becomes a code activity, keyed by the commit (``git:<sha>``, ``git:<sha>:co:<pseudonym
of the email>``), with the commit's co-authors and signers beside it as actors and the
forge account the forge tied to the author when it gives one (pure, no I/O): every one
of them carries the commit's sign-offs, so that a co-author's own ``Signed-off-by`` is
their DCO grant. A commit email is a ``git`` identity whose external id is the email's
pseudonym; an address that cannot be one (no "@", too long) keys its person the same
way but is not stored as an email, and an empty one keys them by their folded name. An
AI assistant's work is recorded uncounted unless the project credits assistants
(``Options.assistant_credit``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from msgspec import structs

from intake.accounts import commit_account
from intake.bots import automation
from intake.payload import Activity, Actor, Options, PayloadError, parse_time, pick, public, text
from intake.reverts import revert_metadata
from intake.rules.types import Commits
from intake.trailers import name_key, normalise_email, parse_author, parse_trailers, usable_address
from ledger.kernel.pseudonyms import Pseudonyms


def commit_actor(
    name: str,
    email: str,
    login: str | None,
    options: Options,
    keys: Pseudonyms,
    via: str | None = None,
    account: Actor | None = None,
) -> Actor:
    """The git identity of a commit email (external id = the email's pseudonym); ``via``
    names the forge whose account ``login`` the forge matched to this email, ``account``
    the account itself when the forge gave its id."""
    email = normalise_email(email)
    if account is not None:
        login, via = login or account.login, via or account.source
    kind = automation(login, name, email, None, options.bots)
    public_name = public(name.strip() or None)
    external = keys.email(email) if email else keys.of("name", name_key(name))
    stored = email if usable_address(email) else None
    return Actor(
        "git",
        external,
        login,
        public_name,
        stored,
        False,
        kind == "bot",
        via if login else None,
        kind == "assistant",
        account=account,
    )


def commit_activities(
    forge: str, spec: Commits, payload: Any, options: Options, keys: Pseudonyms
) -> tuple[list[Activity], bool]:
    """The code activities of a push's commits, and whether the forge listed only part."""
    found: list[Activity] = []
    for commit in pick(payload, spec.path) or []:
        sha = text(pick(commit, spec.sha))
        message = pick(commit, spec.message) or ""
        if sha is None:
            raise PayloadError("a commit without its id")
        if spec.author_raw:
            person = parse_author(str(pick(commit, spec.author_raw) or ""))
            name, email = (person.name, person.email) if person else ("", "")
        else:
            name = str(pick(commit, spec.author_name) or "")
            email = str(pick(commit, spec.author_email) or "")
        login = text(pick(commit, spec.author_login)) if spec.author_login else None
        account = commit_account(forge, spec, commit, email, options, keys)
        at = parse_time(pick(commit, spec.time))
        url = text(pick(commit, spec.url))
        found += commit_contributions(
            sha, str(message), name, email, login, at, url, options, keys, forge, account=account
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
    keys: Pseudonyms,
    via: str | None = None,
    person: Callable[[str, str], Actor] | None = None,
    account: Actor | None = None,
) -> list[Activity]:
    """A commit's author (code, with its co-authors and sign-offs beside it, and the
    commits it reverts) and each co-author (code, keyed ``git:<sha>:co:<pseudonym of
    the email>``); ``person`` makes the actor of a name and email without a login (a
    history import caches them)."""
    trailers = parse_trailers(message, email)
    actor_of = person or partial(_made, options=options, keys=keys)
    author = (
        commit_actor(name, email, login, options, keys, via, account)
        if login or account is not None
        else actor_of(name, email)
    )
    key = f"git:{sha}"
    metadata = {"commit": sha, **revert_metadata(message)}
    if not trailers.co_authors and not trailers.signoffs:  # most commits
        return [_credited(Activity(author, "code", at, key, url, metadata), options)]
    co_authors = tuple(actor_of(p.name, p.email) for p in trailers.co_authors)
    signoffs = tuple(actor_of(p.name, p.email) for p in trailers.signoffs)
    found = [
        _credited(Activity(author, "code", at, key, url, metadata, co_authors, signoffs), options)
    ]
    for co in co_authors:
        meta = {"commit": sha, "role": "co-author"}
        co_key = f"{key}:co:{co.external_id}"
        found.append(_credited(Activity(co, "code", at, co_key, url, meta, (), signoffs), options))
    return found


def _made(name: str, email: str, *, options: Options, keys: Pseudonyms) -> Actor:
    return commit_actor(name, email, None, options, keys)


def _credited(activity: Activity, options: Options) -> Activity:
    """The activity, uncounted (and saying why) when an AI assistant did it and the
    project does not credit assistants."""
    if not activity.actor.assistant or options.assistant_credit:
        return activity
    metadata = {**activity.metadata, "uncounted": "assistant"}
    return structs.replace(activity, metadata=metadata, counted=False)
