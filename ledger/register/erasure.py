"""Erasing a contributor's personal data at their request (GDPR art. 17).

The person (the contributor and everyone merged into them) keeps their number, their
contributions and their credit; what identifies them is replaced by a tombstone: the
contributor's name becomes ``Erased contributor N`` and every field of their
identities that ``ledger.register.models.Identity`` marks personal is cleared (the
external id becomes ``erased:<identity number>``, so the same account or address
arriving later is a new, unlinked person). One ``contributor.erased`` event, with
numbers only, is journaled in every project that knew them; the journal itself never
held their personal data, so every chain still verifies. ``personal_strings`` hands
the erased values to the caller first, to purge raw copies kept elsewhere (webhook
payloads).
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.register import ContributorErased
from ledger.kernel.errors import NotFound
from ledger.kernel.personal import personal_fields
from ledger.register.models import Identity, erased_name

# What each personal column of an identity becomes (keys: the fields Identity marks).
_TOMBSTONES = {
    "external_id": "'erased:' || id",
    "login": "NULL",
    "email": "NULL",
    "display_name": "NULL",
}
if set(_TOMBSTONES) != personal_fields(Identity):  # declared once, on the type
    raise TypeError("the erasure must clear exactly the personal fields of Identity")

_PERSON = """
SELECT coalesce(merged_into, id) AS person FROM contributors WHERE id = $1 FOR UPDATE
"""
_PEOPLE = """
SELECT id, display_name, erased_at FROM contributors
WHERE id = $1 OR merged_into = $1 ORDER BY id FOR UPDATE
"""
_IDENTITIES = """
SELECT id, external_id, login, email, display_name FROM identities
WHERE contributor_id = any($1::bigint[]) ORDER BY id FOR UPDATE
"""
_ERASE_IDENTITIES = f"""
UPDATE identities SET email_verified = false,
    {", ".join(f"{column} = {value}" for column, value in _TOMBSTONES.items())}
WHERE id = any($1::bigint[])
"""
_ERASE_PEOPLE = """
UPDATE contributors c SET display_name = u.name, erased_at = clock_timestamp()
FROM unnest($1::bigint[], $2::text[]) AS u(id, name) WHERE c.id = u.id
"""
_PROJECTS = """
SELECT project_id FROM contributions WHERE contributor_id = any($1::bigint[])
UNION
SELECT project_id FROM identity_projects WHERE identity_id = any($2::bigint[])
ORDER BY 1
"""


@dataclass(frozen=True, slots=True)
class Person:
    """Whom an erasure is about: the canonical contributor, everyone merged into them,
    their identities, and whether they were erased already."""

    contributor_id: int
    people: tuple[int, ...]
    identities: tuple[int, ...]
    erased: bool


@dataclass(frozen=True, slots=True)
class Erased:
    """What an erasure did: the person, their identities cleared, the projects whose
    journals record it; ``already`` when nothing was left to erase."""

    contributor_id: int
    identities: int
    projects: tuple[int, ...]
    already: bool


async def find_person(conn: asyncpg.Connection, contributor_id: int) -> Person:
    """The person a contributor number belongs to, locked for the erasure; NotFound."""
    canonical = await conn.fetchval(_PERSON, contributor_id)
    if canonical is None:
        raise NotFound(f"no contributor {contributor_id}")
    rows = await conn.fetch(_PEOPLE, canonical)
    people = tuple(r["id"] for r in rows)
    identities = tuple(r["id"] for r in await conn.fetch(_IDENTITIES, list(people)))
    erased = all(r["erased_at"] is not None for r in rows)
    return Person(canonical, people, identities, erased)


async def personal_strings(conn: asyncpg.Connection, person: Person) -> list[str]:
    """Every personal value the register holds for the person (names, logins, emails,
    account ids), to purge their raw copies."""
    found: list[str] = []
    for row in await conn.fetch(_PEOPLE, person.contributor_id):
        if row["erased_at"] is None:
            found.append(row["display_name"])
    for row in await conn.fetch(_IDENTITIES, list(person.people)):
        found += [row[c] for c in _TOMBSTONES if row[c] and not str(row[c]).startswith("erased:")]
    return list(dict.fromkeys(found))


async def erase(conn: asyncpg.Connection, person: Person, actor: str) -> Erased:
    """Tombstone the person's personal data and journal it (caller's transaction)."""
    projects = tuple(
        r["project_id"]
        for r in await conn.fetch(_PROJECTS, list(person.people), list(person.identities))
    )
    if person.erased:
        return Erased(person.contributor_id, 0, projects, True)
    await conn.execute(_ERASE_IDENTITIES, list(person.identities))
    names = [erased_name(i) for i in person.people]
    await conn.execute(_ERASE_PEOPLE, list(person.people), names)
    event = ContributorErased(
        contributor_id=person.contributor_id, identities=len(person.identities)
    )
    for project_id in projects:
        await append_event(conn, project_id, event, actor)
    return Erased(person.contributor_id, len(person.identities), projects, False)
