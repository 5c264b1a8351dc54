"""SQL of voters outside any one proposal: delegations and the maintainer and member
lists (``governance_roles``). asyncpg errors are translated here."""

from __future__ import annotations

import asyncpg

from ledger.kernel.errors import InvalidInput, NotFound

_DELEGATIONS = "SELECT delegator_id, scope, delegate_id FROM delegations WHERE project_id = $1"


async def delegations(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> dict[tuple[int, str], int]:
    """Every standing delegation: (delegator, scope) -> delegate."""
    rows = await conn.fetch(_DELEGATIONS, project_id)
    return {(r["delegator_id"], r["scope"]): r["delegate_id"] for r in rows}


async def set_delegation(
    conn: asyncpg.Connection, project_id: int, delegator: int, scope: str, delegate: int
) -> None:
    """Create or replace a delegation."""
    try:
        await conn.execute(
            "INSERT INTO delegations (project_id, delegator_id, scope, delegate_id) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (project_id, delegator_id, scope) "
            "DO UPDATE SET delegate_id = excluded.delegate_id, created_at = clock_timestamp()",
            project_id,
            delegator,
            scope,
            delegate,
        )
    except asyncpg.ForeignKeyViolationError:
        raise NotFound(f"no contributor {delegate}") from None
    except asyncpg.CheckViolationError as exc:
        if exc.constraint_name == "delegations_check":
            raise InvalidInput("a voter cannot delegate to themselves", "delegate") from None
        raise InvalidInput("scope must be * or a proposal kind", "kind") from None


async def delete_delegation(
    conn: asyncpg.Connection, project_id: int, delegator: int, scope: str
) -> bool:
    """Remove a delegation; False when there was none."""
    done = await conn.fetchval(
        "DELETE FROM delegations WHERE project_id = $1 AND delegator_id = $2 AND scope = $3 "
        "RETURNING true",
        project_id,
        delegator,
        scope,
    )
    return bool(done)


async def set_role(
    conn: asyncpg.Connection, project_id: int, contributor: int, role: str | None, actor: str
) -> bool:
    """Grant (or with None revoke) a voting role; False when nothing changed."""
    if role is None:
        done = await conn.fetchval(
            "DELETE FROM governance_roles WHERE project_id = $1 AND contributor_id = $2 "
            "RETURNING true",
            project_id,
            contributor,
        )
        return bool(done)
    try:
        done = await conn.fetchval(
            "INSERT INTO governance_roles (project_id, contributor_id, role, granted_by) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (project_id, contributor_id) DO UPDATE "
            "SET role = excluded.role, granted_by = excluded.granted_by "
            "WHERE governance_roles.role <> excluded.role RETURNING true",
            project_id,
            contributor,
            role,
            actor,
        )
    except asyncpg.ForeignKeyViolationError:
        raise NotFound(f"no contributor {contributor}") from None
    except asyncpg.CheckViolationError:
        raise InvalidInput("role is maintainer or member", "role") from None
    return bool(done)


async def roles(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> dict[int, str]:
    """Voting roles by contributor id."""
    rows = await conn.fetch(
        "SELECT contributor_id, role FROM governance_roles WHERE project_id = $1", project_id
    )
    return {r["contributor_id"]: r["role"] for r in rows}
