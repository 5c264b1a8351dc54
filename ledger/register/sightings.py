"""Which projects know an identity, and so who may see its email.

An identity is *known* to a project when that project's own data brought it in:
intake observed it in the project's contributions carrying the same email, or a
maintainer of the project created the link. Recording a contribution for a
contributor number, or linking an identity another project created, makes nothing
known. Who may see an email: the contributor themself, instance admins, and the
maintainers of a project that knows the identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import asyncpg

from ledger.kernel.principal import Principal
from ledger.register.models import Identity

How = Literal["observed", "linked"]

_NOTE = """
INSERT INTO identity_projects (project_id, identity_id, how)
SELECT $1, unnest($2::bigint[]), $3 ON CONFLICT DO NOTHING
"""
_SLUGS = """
SELECT k.identity_id, p.slug FROM identity_projects k JOIN projects p ON p.id = k.project_id
WHERE k.identity_id = any($1::bigint[]) ORDER BY k.identity_id, p.slug
"""


async def note(
    conn: asyncpg.Connection, project_id: int, identity_ids: Sequence[int], how: How
) -> None:
    """Record that the project knows these identities (idempotent)."""
    if identity_ids:
        await conn.execute(_NOTE, project_id, list(identity_ids), how)


async def load_knowing_projects(pool: asyncpg.Pool, identity_ids: list[int]) -> list[list[str]]:
    """The slugs of the projects that know each identity, in key order."""
    found: dict[int, list[str]] = {i: [] for i in identity_ids}
    for row in await pool.fetch(_SLUGS, identity_ids):
        found[row["identity_id"]].append(row["slug"])
    return [found[i] for i in identity_ids]


def may_see_email(principal: Principal, identity: Identity, knowing: Sequence[str]) -> bool:
    """True for the identity's own contributor, an instance admin, or a maintainer of a
    project that knows the identity."""
    if principal.admin or principal.contributor_id == identity.contributor_id:
        return True
    return any(principal.has(slug, "maintainer") for slug in knowing)
