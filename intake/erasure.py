"""Forgetting a contributor who asks for it: the register's tombstone
(``ledger.register.erasure``) and the raw webhook payloads that mention them
(``intake.retention``), in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from intake.retention import purge_matching
from ledger.register import erasure


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What one erasure did."""

    contributor_id: int
    identities: int
    deliveries_purged: int
    projects: tuple[int, ...]
    already: bool


async def erase_contributor(conn: asyncpg.Connection, contributor_id: int, actor: str) -> Forgotten:
    """Erase the person behind a contributor number (caller's transaction); replaying an
    erasure changes nothing."""
    person = await erasure.find_person(conn, contributor_id)
    strings = await erasure.personal_strings(conn, person)
    purged = await purge_matching(conn, strings)
    done = await erasure.erase(conn, person, actor)
    return Forgotten(done.contributor_id, done.identities, purged, done.projects, done.already)
