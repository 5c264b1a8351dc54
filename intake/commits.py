"""Commits in deliveries and in git history: each author and each ``Co-authored-by``
becomes a code activity keyed by the commit (``git:<sha>``, ``git:<sha>:co:<email>``),
with the forge account the forge tied to the author when it gives one (pure, no I/O).
A commit email is a ``git`` identity whose external id is the normalised email."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from intake.accounts import commit_account
from intake.bots import is_bot
from intake.payload import Activity, Actor, Options, PayloadError, parse_time, pick, text
from intake.rules.types import Commits
from intake.trailers import normalise_email, parse_author, parse_trailers


def commit_actor(
    name: str,
    email: str,
    login: str | None,
    options: Options,
    via: str | None = None,
    account: Actor | None = None,
) -> Actor:
    """The git identity of a commit email (external id = normalised email); ``via`` names
    the forge whose account ``login`` the forge matched to this email, ``account`` the
    account itself when the forge gave its id."""
    email = normalise_email(email)
    if account is not None:
        login, via = login or account.login, via or account.source
    bot = is_bot(login, name, email, None, options.bots)
    via = via if login else None
    return Actor("git", email, login, name or email, email, False, bot, via, account=account)


def commit_activities(
    forge: str, spec: Commits, payload: Any, options: Options
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
        if "@" not in email:
            continue
        login = text(pick(commit, spec.author_login)) if spec.author_login else None
        account = commit_account(forge, spec, commit, email, options)
        at = parse_time(pick(commit, spec.time))
        url = text(pick(commit, spec.url))
        found += commit_contributions(
            sha, str(message), name, email, login, at, url, options, forge, account
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
    account: Actor | None = None,
) -> list[Activity]:
    """A commit's author (code, with its trailers in metadata) and each co-author (code)."""
    trailers = parse_trailers(message, email)
    author = commit_actor(name, email, login, options, via, account)
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
