"""The evidence on which a new identity joins an existing contributor: only what a
forge itself asserts, or a verified email, never a guess (same unverified email or
same name are suggestions, ``intake.merges``).

- The account a forge tied to a commit email (``Actor.account``: a private commit
  address, Bitbucket's ``author.user``): the email and the account are one person,
  whichever of them was seen first.
- The login a forge matched to a commit email (``Actor.via``: GitHub's and Gitea's
  ``author.username``) on that forge's server: the email joins that account; when
  the account has not been seen yet, the email identity keeps who vouched for it
  (``vouch_source``, ``vouch_host``) and the account joins it when it arrives.
- An identity with the same *verified* email.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg

from intake.payload import Actor

Key = tuple[str, str, str]

_ACCOUNTS_BY_LOGIN = """
SELECT DISTINCT ON (i.source, i.host, lower(i.login)) i.source, i.host,
    lower(i.login) AS login, coalesce(c.merged_into, c.id) AS contributor_id
FROM unnest($1::text[], $2::text[], $3::text[]) AS k(source, host, login)
JOIN identities i ON i.source = k.source AND i.host = k.host AND lower(i.login) = k.login
JOIN contributors c ON c.id = i.contributor_id
ORDER BY i.source, i.host, lower(i.login), i.id DESC
"""
_VOUCHED_EMAILS = """
SELECT DISTINCT ON (i.vouch_source, i.vouch_host, lower(i.login)) i.vouch_source AS source,
    i.vouch_host AS host, lower(i.login) AS login, coalesce(c.merged_into, c.id) AS contributor_id
FROM unnest($1::text[], $2::text[], $3::text[]) AS k(source, host, login)
JOIN identities i
    ON i.vouch_source = k.source AND i.vouch_host = k.host AND lower(i.login) = k.login
JOIN contributors c ON c.id = i.contributor_id
ORDER BY i.vouch_source, i.vouch_host, lower(i.login), i.id DESC
"""
_VERIFIED_EMAILS = """
SELECT DISTINCT ON (lower(i.email)) lower(i.email) AS email,
    coalesce(c.merged_into, c.id) AS contributor_id
FROM identities i JOIN contributors c ON c.id = i.contributor_id
WHERE i.email_verified AND lower(i.email) = any($1::text[])
ORDER BY lower(i.email), i.id
"""


@dataclass(slots=True)
class Links:
    """Who each new identity joins, and the commit emails a forge vouched for."""

    owners: dict[Key, int] = field(default_factory=dict)
    vouched: set[Key] = field(default_factory=set)


def is_account(actor: Actor) -> bool:
    """True for an account on a forge server (not a commit email, wiki or file)."""
    return actor.source != "git" and bool(actor.host)


async def _by_login(
    conn: asyncpg.Connection, query: str, wanted: Sequence[tuple[Actor, str]]
) -> dict[Key, int]:
    """The contributor ``query`` finds for each (actor, forge), by server and login."""
    rows = await conn.fetch(
        query,
        [forge for _, forge in wanted],
        [a.host for a, _ in wanted],
        [(a.login or "").lower() for a, _ in wanted],
    )
    owners = {(r["source"], r["host"], r["login"]): r["contributor_id"] for r in rows}
    found = {}
    for actor, forge in wanted:
        owner = owners.get((forge, actor.host, (actor.login or "").lower()))
        if owner is not None:
            found[actor.key] = owner
    return found


async def find_links(
    conn: asyncpg.Connection, people: Sequence[Actor], found: dict[Key, int]
) -> Links:
    """The existing contributors that the new identities among ``people`` join on
    evidence (``found``: the contributors of the identities already known)."""
    links = Links()
    fresh = [a for a in people if a.key not in found]
    for actor in people:  # an email and the account tied to it: one person
        account = actor.account
        if account is None:
            continue
        if actor.key not in found and account.key in found:
            links.owners[actor.key] = found[account.key]
            links.vouched.add(actor.key)
        elif actor.key in found and account.key not in found:
            links.owners.setdefault(account.key, found[actor.key])
    open_ = [a for a in fresh if a.key not in links.owners]
    vouched = [(a, a.via) for a in open_ if a.via and a.login and a.source == "git"]
    if vouched:
        for key, owner in (await _by_login(conn, _ACCOUNTS_BY_LOGIN, vouched)).items():
            links.owners[key] = owner
            links.vouched.add(key)
    accounts = [(a, a.source) for a in open_ if is_account(a) and a.login]
    if accounts:
        for key, owner in (await _by_login(conn, _VOUCHED_EMAILS, accounts)).items():
            links.owners.setdefault(key, owner)
    emails = [a.email for a in fresh if a.email and a.key not in links.owners]
    if emails:
        verified = {
            r["email"]: r["contributor_id"] for r in await conn.fetch(_VERIFIED_EMAILS, emails)
        }
        for actor in fresh:
            if actor.email and actor.email in verified:
                links.owners.setdefault(actor.key, verified[actor.email])
    return links


def groups(fresh: list[Actor]) -> list[list[Actor]]:
    """The new identities that are one person (an email with the account tied to it),
    accounts first in each group; every other identity alone."""
    keyed = {a.key: a for a in fresh}
    parent = {k: k for k in keyed}

    def root(key: Key) -> Key:
        while parent[key] != key:
            key = parent[key]
        return key

    for actor in fresh:
        if actor.account is not None and actor.account.key in keyed:
            parent[root(actor.key)] = root(actor.account.key)
    together: dict[Key, list[Actor]] = {}
    for key, actor in keyed.items():
        together.setdefault(root(key), []).append(actor)
    return [sorted(g, key=lambda a: (not is_account(a), a.key)) for g in together.values()]
