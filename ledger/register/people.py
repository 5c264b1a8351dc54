"""Contributors, their forge identities, organisations and affiliations.

People are instance-wide (one person contributes to many projects); a link made on
behalf of a project is journaled in that project's chain, by numbers only: logins,
names and emails stay in these erasable rows. A git identity is keyed by the keyed
pseudonym of its email (``ledger.kernel.pseudonyms``), never by the address; a person
who gave no name is called by their number, never by their email.
"""

from __future__ import annotations

import re
from datetime import date

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.register import IdentityLinked
from ledger.kernel import pseudonyms
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput, NotFound
from ledger.kernel.personal import refuse_personal
from ledger.register import sightings
from ledger.register.models import (
    Contributor,
    Identity,
    Organisation,
    check_name,
    check_source,
)

_CONTRIBUTOR = "id, display_name, is_bot, merged_into, created_at, erased_at"
_IDENTITY = (
    "id, contributor_id, source, external_id, login, email, email_verified, display_name, host"
)
_CONTRIBUTORS_BY_IDS = f"SELECT {_CONTRIBUTOR} FROM contributors WHERE id = any($1::bigint[])"
_IDENTITIES_BY_CONTRIBUTORS = f"""
SELECT {_IDENTITY} FROM identities WHERE contributor_id = any($1::bigint[]) ORDER BY id
"""
_IDENTITY_BY_KEY = f"""
SELECT {_IDENTITY} FROM identities WHERE source = $1 AND host = $2 AND external_id = $3
"""
_ORGANISATION_BY_NAME = "SELECT id, name, domain FROM organisations WHERE name = $1"
_ORGANISATION_NAMES = "SELECT id, name FROM organisations WHERE id = any($1::bigint[])"
_INSERT_IDENTITY = f"""
INSERT INTO identities (contributor_id, source, external_id, login, email, email_verified,
    display_name, host)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_IDENTITY}
"""
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}(?::[0-9]{{1,5}})?")


_NEW_CONTRIBUTOR = f"""
INSERT INTO contributors (id, display_name, is_bot) OVERRIDING SYSTEM VALUE
SELECT n.id, coalesce($1, 'Contributor ' || n.id), $2
FROM (SELECT nextval(pg_get_serial_sequence('contributors', 'id')) AS id) n
RETURNING {_CONTRIBUTOR}
"""


def _contributor(row: asyncpg.Record) -> Contributor:
    return Contributor(
        row["id"],
        row["display_name"],
        row["is_bot"],
        row["merged_into"],
        row["created_at"],
        row["erased_at"],
    )


def _identity(row: asyncpg.Record) -> Identity:
    return Identity(
        row["id"],
        row["contributor_id"],
        row["source"],
        row["external_id"],
        row["login"],
        row["email"],
        row["email_verified"],
        row["display_name"],
        row["host"],
    )


async def create_contributor(
    conn: asyncpg.Connection, display_name: str | None, is_bot: bool = False
) -> Contributor:
    """A new contributor, called ``Contributor N`` when no name is given (not journaled
    alone: the identity or contribution that brings them in is)."""
    name = check_name(display_name, "displayName") if display_name is not None else None
    row = await conn.fetchrow(_NEW_CONTRIBUTOR, name, is_bot)
    return _contributor(row)


async def get_contributor(
    conn: asyncpg.Connection | asyncpg.Pool, contributor_id: int
) -> Contributor:
    """The contributor with this id; NotFound otherwise."""
    row = await conn.fetchrow(
        f"SELECT {_CONTRIBUTOR} FROM contributors WHERE id = $1", contributor_id
    )
    if row is None:
        raise NotFound(f"no contributor {contributor_id}")
    return _contributor(row)


async def load_contributors(pool: asyncpg.Pool, ids: list[int]) -> list[Contributor | None]:
    """Batch lookup by id, in key order."""
    rows = {r["id"]: _contributor(r) for r in await pool.fetch(_CONTRIBUTORS_BY_IDS, ids)}
    return [rows.get(i) for i in ids]


async def load_identities(pool: asyncpg.Pool, contributor_ids: list[int]) -> list[list[Identity]]:
    """Each contributor's identities, in key order."""
    found: dict[int, list[Identity]] = {i: [] for i in contributor_ids}
    for row in await pool.fetch(_IDENTITIES_BY_CONTRIBUTORS, contributor_ids):
        found[row["contributor_id"]].append(_identity(row))
    return [found[i] for i in contributor_ids]


PUBLIC_HOSTS: dict[str, str] = {"github": "github.com", "bitbucket": "bitbucket.org"}
"""Forges with one public server: an account of theirs is on it unless told otherwise."""
SELF_HOSTED = frozenset({"gitlab", "gitea", "forgejo"})
"""Forges anyone may run: an account of theirs means nothing without its server."""


def host_for(source: str, host: str | None) -> str:
    """The server an identity of ``source`` is keyed by: ``host`` when given, else the
    forge's public server, else empty for a source without servers; InvalidInput for a
    self-hostable forge given none (user 1 of one Gitea is not user 1 of another)."""
    if host is not None and host.strip():
        return check_host(host)
    if source in PUBLIC_HOSTS:
        return PUBLIC_HOSTS[source]
    if source in SELF_HOSTED:
        raise InvalidInput(
            f"{source} accounts are keyed by their server: give the host "
            f"(gitlab.com, gitea.example.org)",
            "host",
        )
    return ""


def check_host(host: str) -> str:
    """A forge server's host (``gitea.example.org``, ``git.example.org:3000``), lower
    case; empty for a source without servers. InvalidInput otherwise."""
    host = host.strip().lower()
    if host and (len(host) > 255 or not _HOST.fullmatch(host)):
        raise InvalidInput("a host is a server's name, maybe with a port", "host")
    return host


async def find_identity(
    conn: asyncpg.Connection | asyncpg.Pool, source: str, external_id: str, host: str = ""
) -> Identity | None:
    """The identity keyed by (source, host, external id), or None."""
    row = await conn.fetchrow(_IDENTITY_BY_KEY, source, host, external_id)
    return _identity(row) if row else None


async def link_identity(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    source: str,
    external_id: str,
    contributor_id: int | None,
    host: str = "",
    login: str | None = None,
    email: str | None = None,
    email_verified: bool = False,
    display_name: str | None = None,
    is_bot: bool = False,
    actor: str,
) -> tuple[Identity, bool]:
    """Link (source, host, external id) to a contributor, creating one when none is named.

    For ``git`` the external id is the commit email: the identity is keyed by its
    pseudonym and the address kept as its email. Another source's external id is
    public and may not look like an email or IP address. Idempotent: linking an
    identity again to the same contributor returns it with ``False`` (and makes it
    known to no other project); linking it to another contributor is a Conflict
    (merges are explicit).
    """
    check_source(source)
    host = check_host(host)
    if not 1 <= len(external_id) <= 255:
        raise InvalidInput("external id must be 1 to 255 characters", "externalId")
    if source == "git":
        if "@" not in external_id:
            raise InvalidInput("a git identity's external id is its commit email", "externalId")
        email = email or external_id.strip().lower()
        external_id = (await pseudonyms.load(conn)).email(external_id)
    else:
        refuse_personal(external_id, "externalId")
    refuse_personal(login, "login")
    existing = await find_identity(conn, source, external_id, host)
    if existing is not None:
        if contributor_id is None or existing.contributor_id == contributor_id:
            return existing, False
        raise Conflict(
            f"identity {source}:{external_id} belongs to contributor {existing.contributor_id}",
            ConflictCode.IDENTITY_LINKED,
        )
    if contributor_id is None:
        contributor = await create_contributor(conn, display_name or login, is_bot)
        contributor_id = contributor.id
    else:
        await get_contributor(conn, contributor_id)
    try:
        async with conn.transaction():
            row = await conn.fetchrow(
                _INSERT_IDENTITY,
                contributor_id,
                source,
                external_id,
                login,
                email,
                email_verified,
                display_name,
                host,
            )
    except asyncpg.UniqueViolationError:
        raise Conflict(
            f"identity {source}:{external_id} was linked concurrently",
            ConflictCode.CONCURRENT_CHANGE,
        ) from None
    identity = _identity(row)
    await sightings.note(conn, project_id, [identity.id], "linked")
    event = IdentityLinked(identity_id=identity.id, contributor_id=contributor_id, source=source)
    await append_event(conn, project_id, event, actor)
    return identity, True


async def create_organisation(
    conn: asyncpg.Connection | asyncpg.Pool, name: str, domain: str | None = None
) -> Organisation:
    """A new organisation; Conflict when the name is taken."""
    try:
        row = await conn.fetchrow(
            "INSERT INTO organisations (name, domain) VALUES ($1, $2) RETURNING id, name, domain",
            check_name(name),
            domain,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(
            f"an organisation named {name!r} exists", ConflictCode.ALREADY_EXISTS
        ) from None
    return Organisation(row["id"], row["name"], row["domain"])


async def find_organisation(
    conn: asyncpg.Connection | asyncpg.Pool, name: str
) -> Organisation | None:
    """The organisation named ``name``, or None."""
    row = await conn.fetchrow(_ORGANISATION_BY_NAME, name)
    return Organisation(row["id"], row["name"], row["domain"]) if row is not None else None


async def get_organisation(conn: asyncpg.Connection | asyncpg.Pool, name: str) -> Organisation:
    """The organisation named ``name``; NotFound otherwise."""
    found = await find_organisation(conn, name)
    if found is None:
        raise NotFound(f"no organisation named {name!r}")
    return found


async def ensure_organisation(conn: asyncpg.Connection, name: str) -> Organisation:
    """The organisation named ``name``, created when new."""
    found = await find_organisation(conn, name)
    return found if found is not None else await create_organisation(conn, name)


async def load_organisation_names(pool: asyncpg.Pool, ids: list[int]) -> list[str | None]:
    """Organisation names by id, in key order."""
    names = {r["id"]: r["name"] for r in await pool.fetch(_ORGANISATION_NAMES, ids)}
    return [names.get(i) for i in ids]


async def add_affiliation(
    conn: asyncpg.Connection | asyncpg.Pool,
    contributor_id: int,
    organisation_id: int,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> int:
    """Affiliate a contributor with an organisation over [from, to); returns its id."""
    if valid_from and valid_to and valid_from >= valid_to:
        raise InvalidInput("validFrom must be before validTo", "validTo")
    try:
        return int(
            await conn.fetchval(
                "INSERT INTO affiliations (contributor_id, organisation_id, valid_from, valid_to) "
                "VALUES ($1, $2, coalesce($3, '-infinity'::date), coalesce($4, 'infinity'::date)) "
                "RETURNING id",
                contributor_id,
                organisation_id,
                valid_from,
                valid_to,
            )
        )
    except asyncpg.ForeignKeyViolationError:
        raise NotFound("no such contributor or organisation") from None
