"""Commits in deliveries and in git history: each author and each ``Co-authored-by``
becomes a code activity, keyed by the commit (``git:<sha>``, ``git:<sha>:co:<pseudonym
of the email>``), with its co-authors and signers beside it as actors and the forge
account the forge tied to the author when it gives one (pure, no I/O). A commit email
is a ``git`` identity whose external id is the email's pseudonym."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from intake.accounts import commit_account
from intake.bots import is_bot
from intake.payload import Activity, Actor, Options, PayloadError, parse_time, pick, public, text
from intake.rules.types import Commits
from intake.trailers import normalise_email, parse_author, parse_trailers
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
    bot = is_bot(login, name, email, None, options.bots)
    public_name = public(name.strip() or None)
    via = via if login else None
    return Actor(
        "git", keys.email(email), login, public_name, email, False, bot, via, account=account
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
        if "@" not in email:
            continue
        login = text(pick(commit, spec.author_login)) if spec.author_login else None
        account = commit_account(forge, spec, commit, email, options, keys)
        at = parse_time(pick(commit, spec.time))
        url = text(pick(commit, spec.url))
        found += commit_contributions(
            sha, str(message), name, email, login, at, url, options, keys, forge, account
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
    account: Actor | None = None,
) -> list[Activity]:
    """A commit's author (code, with its co-authors and sign-offs beside it) and each
    co-author (code, keyed ``git:<sha>:co:<pseudonym of the email>``)."""
    trailers = parse_trailers(message, email)
    author = commit_actor(name, email, login, options, keys, via, account)
    co_authors = tuple(
        commit_actor(p.name, p.email, None, options, keys) for p in trailers.co_authors
    )
    signoffs = tuple(commit_actor(p.name, p.email, None, options, keys) for p in trailers.signoffs)
    metadata = {"commit": sha}
    found = [Activity(author, "code", at, f"git:{sha}", url, metadata, co_authors, signoffs)]
    for co in co_authors:
        meta = {"commit": sha, "role": "co-author"}
        found.append(Activity(co, "code", at, f"git:{sha}:co:{co.external_id}", url, meta))
    return found
