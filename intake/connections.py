"""Forge connections and their secrets: connect, rotate (two active at most), retire;
and the base URL of the server a connection's deliveries come from.

Secrets are kept to verify signatures and never leave this module: they are not
journaled and no function returns them except ``active_secrets`` for verification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from intake.forges import FORGES
from intake.verify import Secret, standard_webhook
from ledger.journal.chain import append_event
from ledger.journal.events.intake import ForgeBaseUrlSet, ForgeSecretAdded, ForgeSecretRetired
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput, NotFound
from ledger.kernel.personal import kind_of
from ledger.register.models import Project

MAX_ACTIVE = 2

_CONNECT = """
INSERT INTO forge_connections (project_id, forge) VALUES ($1, $2)
ON CONFLICT (project_id, forge) DO NOTHING
"""
_ACTIVE = """
SELECT id, secret FROM forge_secrets
WHERE project_id = $1 AND forge = $2 AND retired_at IS NULL ORDER BY id
"""
_ADD = """
INSERT INTO forge_secrets (project_id, forge, secret, label) VALUES ($1, $2, $3, $4)
RETURNING id, label, created_at, retired_at
"""
_RETIRE = """
UPDATE forge_secrets SET retired_at = clock_timestamp()
WHERE project_id = $1 AND forge = $2 AND id = $3 AND retired_at IS NULL
RETURNING id, label, created_at, retired_at
"""
_BASE_URL = """
UPDATE forge_connections SET base_url = $3
WHERE project_id = $1 AND forge = $2 AND base_url IS DISTINCT FROM $3 RETURNING base_url
"""
_URL = re.compile(r"https?://[^/?#@\s]+(/[^?#\s]*)?")
_LIST = """
SELECT c.forge, s.id, s.label, s.created_at, s.retired_at
FROM forge_connections c LEFT JOIN forge_secrets s USING (project_id, forge)
WHERE c.project_id = $1 ORDER BY c.forge, s.id
"""
_TARGET = """
SELECT p.id AS project_id, p.repositories, c.forge IS NOT NULL AS connected,
    s.id AS secret_id, s.secret
FROM projects p
LEFT JOIN forge_connections c ON c.project_id = p.id AND c.forge = $2
LEFT JOIN forge_secrets s ON s.project_id = p.id AND s.forge = $2 AND s.retired_at IS NULL
WHERE p.slug = $1
"""


@dataclass(frozen=True, slots=True)
class SecretInfo:
    """What may be shown about a secret: never its value."""

    forge: str
    id: int
    label: str
    created_at: datetime
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class Target:
    """Where a delivery for (project slug, forge) goes, the secrets that may sign it and
    the repositories the project lists (empty: every repository)."""

    project_id: int
    connected: bool
    secrets: tuple[Secret, ...]
    repositories: tuple[str, ...] = ()


def check_forge(forge: str) -> str:
    """A forge name we know; InvalidInput otherwise."""
    if forge not in FORGES:
        raise InvalidInput(f"unknown forge {forge!r}; one of {', '.join(FORGES)}", "forge")
    return forge


def check_secret(forge: str, secret: str) -> str:
    """A usable secret: 8-512 printable characters; Standard Webhooks keys must decode."""
    if not 8 <= len(secret) <= 512 or not secret.isprintable():
        raise InvalidInput("a secret is 8 to 512 printable characters", "secret")
    if forge == "standard" and standard_webhook(secret) is None:
        raise InvalidInput("a Standard Webhooks secret is 'whsec_<base64>'", "secret")
    return secret


def check_base_url(url: str) -> str:
    """A server's http(s) address without query or credentials (trailing ``/`` dropped),
    naming the server by host name: the address is journaled, and the journal never
    holds an IP address."""
    url = url.strip().rstrip("/")
    if len(url) > 500 or not _URL.fullmatch(url):
        raise InvalidInput("a base URL is the server's http(s) address", "baseUrl")
    if kind_of(url) is not None:
        raise InvalidInput(
            "a base URL names its server by host name, not by IP address (the journal "
            "records it and never holds an IP address)",
            "baseUrl",
        )
    return url


async def set_base_url(
    conn: asyncpg.Connection, project: Project, forge: str, base_url: str, actor: str
) -> bool:
    """Name the server a connected forge's deliveries come from; True when it changed."""
    url = check_base_url(base_url)
    changed = await conn.fetchval(_BASE_URL, project.id, forge, url)
    if changed is not None:
        await append_event(conn, project.id, ForgeBaseUrlSet(forge=forge, base_url=url), actor)
    return changed is not None


async def connect_forge(
    conn: asyncpg.Connection,
    project: Project,
    forge: str,
    secret: str,
    label: str,
    actor: str,
    base_url: str | None = None,
) -> SecretInfo:
    """Connect a forge (if new) and add an active secret, naming its server when
    ``base_url`` is given; Conflict when two secrets are active."""
    check_forge(forge)
    check_secret(forge, secret)
    if base_url is not None:
        check_base_url(base_url)
    await conn.execute(_CONNECT, project.id, forge)
    active = await conn.fetch(_ACTIVE + " FOR UPDATE", project.id, forge)
    if any(r["secret"] == secret for r in active):
        raise Conflict("this secret is already active", ConflictCode.ALREADY_EXISTS)
    if len(active) >= MAX_ACTIVE:
        raise Conflict(
            f"{MAX_ACTIVE} secrets are active; retire one before adding another",
            ConflictCode.TOO_MANY_SECRETS,
        )
    row = await conn.fetchrow(_ADD, project.id, forge, secret, label[:200])
    info = SecretInfo(forge, row["id"], row["label"], row["created_at"], row["retired_at"])
    event = ForgeSecretAdded(forge=forge, secret_id=info.id, label=info.label)
    await append_event(conn, project.id, event, actor)
    if base_url is not None:
        await set_base_url(conn, project, forge, base_url, actor)
    return info


async def retire_secret(
    conn: asyncpg.Connection, project: Project, forge: str, secret_id: int, actor: str
) -> SecretInfo:
    """Retire an active secret: deliveries signed with it are refused from now on."""
    check_forge(forge)
    row = await conn.fetchrow(_RETIRE, project.id, forge, secret_id)
    if row is None:
        raise NotFound(f"no active {forge} secret {secret_id} on this project")
    info = SecretInfo(forge, row["id"], row["label"], row["created_at"], row["retired_at"])
    event = ForgeSecretRetired(forge=forge, secret_id=secret_id)
    await append_event(conn, project.id, event, actor)
    return info


async def list_secrets(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> list[SecretInfo]:
    """The project's connections' secrets (active and retired), without their values."""
    return [
        SecretInfo(r["forge"], r["id"], r["label"], r["created_at"], r["retired_at"])
        for r in await conn.fetch(_LIST, project_id)
        if r["id"] is not None
    ]


async def find_target(
    conn: asyncpg.Connection | asyncpg.Pool, slug: str, forge: str
) -> Target | None:
    """The project and active secrets for a webhook route; None for an unknown project."""
    rows = await conn.fetch(_TARGET, slug, forge)
    if not rows:
        return None
    secrets = tuple(Secret(r["secret_id"], r["secret"]) for r in rows if r["secret_id"])
    first = rows[0]
    return Target(first["project_id"], first["connected"], secrets, tuple(first["repositories"]))
