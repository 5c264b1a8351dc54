"""Identity resolution in bulk: from forge accounts and commit emails to contributors.

An identity is keyed by (source, external id): a forge's stable numeric id (logins
get renamed) or, for a commit email with no forge account, ``git`` + the keyed
pseudonym of the normalised email (the address itself is kept as the identity's
erasable email, never in a key). A person who gave no name is called by the forge
login, else by their number (never by their email). Every identity resolved for a
project that carries its stored email (or has none) becomes known to that project
(``ledger.register.sightings``), so its maintainers may see that email. A new identity joins an existing contributor only on evidence: an identity
with the same *verified* email, or the forge account the forge itself matched to a
commit's email (``Actor.via``). Everything else (same unverified email, same name)
is a suggestion for maintainers, never applied silently (see ``intake.merges``).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from intake.payload import Actor
from ledger.journal.chain import append_events
from ledger.journal.events.register import IdentityLinked
from ledger.register import sightings
from ledger.register.models import neutral_name

Key = tuple[str, str]

_EXISTING = """
SELECT i.id, i.source, i.external_id, lower(i.email) AS email,
    coalesce(c.merged_into, c.id) AS contributor_id
FROM unnest($1::text[], $2::text[]) AS k(source, external_id)
JOIN identities i ON i.source = k.source AND i.external_id = k.external_id
JOIN contributors c ON c.id = i.contributor_id
"""
_VERIFIED_EMAILS = """
SELECT DISTINCT ON (lower(i.email)) lower(i.email) AS email,
    coalesce(c.merged_into, c.id) AS contributor_id
FROM identities i JOIN contributors c ON c.id = i.contributor_id
WHERE i.email_verified AND lower(i.email) = any($1::text[])
ORDER BY lower(i.email), i.id
"""
_ACCOUNTS_BY_LOGIN = """
SELECT DISTINCT ON (i.source, lower(i.login)) i.source, lower(i.login) AS login,
    coalesce(c.merged_into, c.id) AS contributor_id
FROM unnest($1::text[], $2::text[]) AS k(source, login)
JOIN identities i ON i.source = k.source AND lower(i.login) = k.login
JOIN contributors c ON c.id = i.contributor_id
ORDER BY i.source, lower(i.login), i.id DESC
"""
_NEW_IDS = (
    "SELECT nextval(pg_get_serial_sequence('contributors', 'id')) FROM generate_series(1, $1)"
)
_NEW_CONTRIBUTORS = """
INSERT INTO contributors (id, display_name, is_bot) OVERRIDING SYSTEM VALUE
SELECT * FROM unnest($1::bigint[], $2::text[], $3::boolean[])
"""
_NEW_IDENTITIES = """
INSERT INTO identities (contributor_id, source, external_id, login, email, email_verified,
    display_name)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
    $6::boolean[], $7::text[])
ON CONFLICT (source, external_id) DO NOTHING
RETURNING id, contributor_id, source, external_id
"""
_DROP_ORPHANS = """
DELETE FROM contributors c WHERE c.id = any($1::bigint[])
AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.contributor_id = c.id)
"""


def _display_name(actor: Actor, contributor_id: int) -> str:
    name = (actor.name or actor.login or "").strip()
    return name[:200] if name else neutral_name(contributor_id)


def _linked(row: asyncpg.Record) -> IdentityLinked:
    return IdentityLinked(
        identity_id=row["id"], contributor_id=row["contributor_id"], source=row["source"]
    )


def _carrying(rows: list[asyncpg.Record], actors: dict[Key, Actor]) -> list[int]:
    """The identities among ``rows`` that the actors saw with their stored email."""
    seen = []
    for row in rows:
        actor = actors[(row["source"], row["external_id"])]
        if row["email"] is None or row["email"] == (actor.email or "").lower():
            seen.append(row["id"])
    return seen


async def _links(conn: asyncpg.Connection, fresh: list[Actor]) -> dict[Key, int]:
    """Existing contributors that new identities join on verified evidence."""
    links: dict[Key, int] = {}
    vouched = [a for a in fresh if a.via and a.login]
    if vouched:
        rows = await conn.fetch(
            _ACCOUNTS_BY_LOGIN,
            [a.via for a in vouched],
            [(a.login or "").lower() for a in vouched],
        )
        owners = {(r["source"], r["login"]): r["contributor_id"] for r in rows}
        for a in vouched:
            owner = owners.get((a.via or "", (a.login or "").lower()))
            if owner is not None:
                links[(a.source, a.external_id)] = owner
    emails = [a.email for a in fresh if a.email and (a.source, a.external_id) not in links]
    if emails:
        verified = {
            r["email"]: r["contributor_id"] for r in await conn.fetch(_VERIFIED_EMAILS, emails)
        }
        for a in fresh:
            if a.email and a.email in verified:
                links.setdefault((a.source, a.external_id), verified[a.email])
    return links


async def resolve(
    conn: asyncpg.Connection, project_id: int, actors: Sequence[Actor], by: str
) -> dict[Key, int]:
    """The (canonical) contributor of every actor, creating identities and contributors
    for new ones and journaling each new identity in the project's chain."""
    by_key = {(a.source, a.external_id): a for a in reversed(actors)}
    unique = list(by_key.values())
    found: dict[Key, int] = {}
    if not unique:
        return found
    rows = await conn.fetch(_EXISTING, [a.source for a in unique], [a.external_id for a in unique])
    found = {(r["source"], r["external_id"]): r["contributor_id"] for r in rows}
    await sightings.note(conn, project_id, _carrying(rows, by_key), "observed")
    # sorted, so concurrent transactions insert shared identities in one order (no deadlock)
    fresh = sorted(
        (a for a in unique if (a.source, a.external_id) not in found),
        key=lambda a: (a.source, a.external_id),
    )
    if not fresh:
        return found
    links = await _links(conn, fresh)
    creating = [a for a in fresh if (a.source, a.external_id) not in links]
    ids = [r[0] for r in await conn.fetch(_NEW_IDS, len(creating))] if creating else []
    if creating:
        await conn.execute(
            _NEW_CONTRIBUTORS,
            ids,
            [_display_name(a, i) for a, i in zip(creating, ids, strict=True)],
            [a.bot for a in creating],
        )
    owner = {**links, **{(a.source, a.external_id): i for a, i in zip(creating, ids, strict=True)}}
    inserted = await conn.fetch(
        _NEW_IDENTITIES,
        [owner[(a.source, a.external_id)] for a in fresh],
        [a.source for a in fresh],
        [a.external_id for a in fresh],
        [a.login for a in fresh],
        [a.email for a in fresh],
        [a.email_verified or ((a.source, a.external_id) in links and bool(a.via)) for a in fresh],
        [a.name for a in fresh],
    )
    for row in inserted:
        found[(row["source"], row["external_id"])] = row["contributor_id"]
    raced = [a for a in fresh if (a.source, a.external_id) not in found]
    if raced:  # another transaction linked them first: use theirs, drop our spare people
        rows = await conn.fetch(
            _EXISTING, [a.source for a in raced], [a.external_id for a in raced]
        )
        found.update({(r["source"], r["external_id"]): r["contributor_id"] for r in rows})
        await sightings.note(conn, project_id, _carrying(rows, by_key), "observed")
        await conn.execute(_DROP_ORPHANS, ids)
    await sightings.note(conn, project_id, [r["id"] for r in inserted], "observed")
    events = [(_linked(r), by) for r in inserted]
    await append_events(conn, project_id, events)
    return found
