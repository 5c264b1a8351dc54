"""Identity resolution in bulk: from forge accounts and commit emails to contributors.

An identity is keyed by (source, server, external id) (``Actor.key``): a forge's
stable account id on that forge's server (``github.com``, ``gitea.example.org``:
user 1 of one server is not user 1 of another, and logins get renamed) or, for a
commit email with no forge account, ``git`` + the keyed pseudonym of the normalised
email on no server (the address itself is kept as the identity's erasable email,
never in a key). A person who gave no name is called by the forge login, else by
their number (never by their email). Every identity resolved for a project that
carries its stored email (or has none) becomes known to that project
(``ledger.register.sightings``), so its maintainers may see that email.

A new identity joins an existing contributor only on evidence (``intake.links``): the
account a forge tied to a commit email, the login a forge matched to it, or a
*verified* email. An email and the account tied to it, both new, become one new
contributor. A commit email a forge matched to an account is stored verified (forges
match only verified addresses). Everything else (same unverified email, same name) is
a suggestion for maintainers, never applied silently (see ``intake.merges``). Known
identities take the newer names deliveries show (``intake.profiles``).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from intake.links import Key, find_links, groups
from intake.payload import Actor
from intake.profiles import given_name, refresh
from ledger.journal.chain import append_events
from ledger.journal.events.base import Event
from ledger.journal.events.register import IdentityLinked
from ledger.register import sightings

_EXISTING = """
SELECT i.id, i.source, i.host, i.external_id, i.login, i.email, i.display_name,
    coalesce(c.merged_into, c.id) AS contributor_id,
    coalesce(m.display_name, c.display_name) AS contributor_name,
    coalesce(m.erased_at, c.erased_at) AS erased_at
FROM unnest($1::text[], $2::text[], $3::text[]) AS k(source, host, external_id)
JOIN identities i ON i.source = k.source AND i.host = k.host AND i.external_id = k.external_id
JOIN contributors c ON c.id = i.contributor_id
LEFT JOIN contributors m ON m.id = c.merged_into
"""
_NEW_IDS = (
    "SELECT nextval(pg_get_serial_sequence('contributors', 'id')) FROM generate_series(1, $1)"
)
_NEW_CONTRIBUTORS = """
INSERT INTO contributors (id, display_name, is_bot) OVERRIDING SYSTEM VALUE
SELECT * FROM unnest($1::bigint[], $2::text[], $3::boolean[])
"""
_NEW_IDENTITIES = """
INSERT INTO identities (contributor_id, source, host, external_id, login, email,
    email_verified, display_name, vouch_source, vouch_host)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
    $7::boolean[], $8::text[], $9::text[], $10::text[])
ON CONFLICT (source, host, external_id) DO NOTHING
RETURNING id, contributor_id, source, host, external_id, login
"""
_DROP_ORPHANS = """
DELETE FROM contributors c WHERE c.id = any($1::bigint[])
AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.contributor_id = c.id)
"""


def _key(row: asyncpg.Record) -> Key:
    return (row["source"], row["host"], row["external_id"])


async def _existing(conn: asyncpg.Connection, actors: Sequence[Actor]) -> list[asyncpg.Record]:
    keys = [a.key for a in actors]
    return list(
        await conn.fetch(
            _EXISTING, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]
        )
    )


def _linked(row: asyncpg.Record) -> IdentityLinked:
    return IdentityLinked(
        identity_id=row["id"], contributor_id=row["contributor_id"], source=row["source"]
    )


def _carrying(rows: Sequence[asyncpg.Record], actors: dict[Key, Actor]) -> list[int]:
    """The identities among ``rows`` that the actors saw with their stored email."""
    seen = []
    for row in rows:
        actor = actors[_key(row)]
        stored = row["email"]
        if stored is None or stored.lower() == (actor.email or "").lower():
            seen.append(row["id"])
    return seen


async def _create(
    conn: asyncpg.Connection, unique: list[Actor], fresh: list[Actor], found: dict[Key, int]
) -> tuple[list[asyncpg.Record], list[int]]:
    """Insert the new identities ``fresh`` (of ``unique``), joining contributors on
    evidence or creating one per person; the inserted rows and the contributors drawn."""
    links = await find_links(conn, unique, found)
    owner: dict[Key, int] = {}
    creating: list[list[Actor]] = []
    people = groups(fresh)
    for group in people:
        linked = next((links.owners[a.key] for a in group if a.key in links.owners), None)
        if linked is None:
            creating.append(group)
        else:
            owner.update({a.key: linked for a in group})
    ids = [r[0] for r in await conn.fetch(_NEW_IDS, len(creating))] if creating else []
    if creating:
        await conn.execute(
            _NEW_CONTRIBUTORS,
            ids,
            [
                given_name(next((a for a in g if a.name), g[0]), i)
                for g, i in zip(creating, ids, strict=True)
            ],
            [any(a.bot for a in g) for g in creating],
        )
    for group, made in zip(creating, ids, strict=True):
        owner.update({a.key: made for a in group})
    vouched = links.vouched | {a.key for g in people if len(g) > 1 for a in g}
    inserted = await conn.fetch(
        _NEW_IDENTITIES,
        [owner[a.key] for a in fresh],
        [a.key[0] for a in fresh],
        [a.key[1] for a in fresh],
        [a.key[2] for a in fresh],
        [a.login for a in fresh],
        [a.email for a in fresh],
        [
            a.email_verified or (a.source == "git" and (a.key in vouched or bool(a.via)))
            for a in fresh
        ],
        [a.name for a in fresh],
        [a.via if a.source == "git" and a.via else None for a in fresh],
        [a.host if a.source == "git" and a.via else None for a in fresh],
    )
    return list(inserted), ids


async def resolve(
    conn: asyncpg.Connection, project_id: int, actors: Sequence[Actor], by: str
) -> dict[Key, int]:
    """The (canonical) contributor of every actor (by ``Actor.key``), creating
    identities and contributors for new ones (with the accounts tied to commit
    emails), noting the identities the project observed, and journaling each new
    identity and each rename in the project's chain."""
    people = [*actors, *(a.account for a in actors if a.account is not None)]
    by_key = {a.key: a for a in reversed(people)}
    unique = list(by_key.values())
    if not unique:
        return {}
    rows = await _existing(conn, unique)
    found = {_key(r): r["contributor_id"] for r in rows}
    await sightings.note(conn, project_id, _carrying(rows, by_key), "observed")
    events: list[tuple[Event, str]] = [(e, by) for e in await refresh(conn, rows, by_key)]
    # sorted, so concurrent transactions insert shared identities in one order (no deadlock)
    fresh = sorted((a for a in unique if a.key not in found), key=lambda a: a.key)
    if fresh:
        inserted, ids = await _create(conn, unique, fresh, found)
        found.update({_key(r): r["contributor_id"] for r in inserted})
        raced = [a for a in fresh if a.key not in found]
        if raced:  # another transaction linked them first: use theirs, drop our spare people
            again = await _existing(conn, raced)
            found.update({_key(r): r["contributor_id"] for r in again})
            await sightings.note(conn, project_id, _carrying(again, by_key), "observed")
            await conn.execute(_DROP_ORPHANS, ids)
        await sightings.note(conn, project_id, [r["id"] for r in inserted], "observed")
        events = [(_linked(r), by) for r in inserted] + events
    if events:
        await append_events(conn, project_id, events)
    return found
