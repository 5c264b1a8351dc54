"""Use cases about voters rather than proposals: voting roles (the maintainer and
member lists electorate rules refer to) and delegations. Each change is journaled."""

from __future__ import annotations

import asyncpg

from governance import voter_store
from governance.models import KINDS
from governance.service import DELEGATION
from ledger.journal.chain import append_event
from ledger.journal.events import decode
from ledger.journal.events.governance import DelegationRevoked, DelegationSet, RoleSet
from ledger.kernel.errors import Forbidden, InvalidInput, NotFound
from ledger.register.models import Project

SCOPES = ("*", *KINDS)


def check_scope(kind: str | None) -> str:
    """The delegation scope: a proposal kind, or "*" (None) for all kinds."""
    scope = kind or "*"
    if scope not in SCOPES:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)} (or left out)", "kind")
    return scope


async def set_role(
    conn: asyncpg.Connection, project: Project, contributor: int, role: str | None, actor: str
) -> bool:
    """Put a contributor on the maintainer or member list (None removes them)."""
    if role not in (None, "maintainer", "member"):
        raise InvalidInput("role is maintainer or member (or null to remove)", "role")
    changed = await voter_store.set_role(conn, project.id, contributor, role, actor)
    if changed:
        body = {"contributor": contributor, "role": role}
        await append_event(conn, project.id, decode(RoleSet, body), actor)
    return changed


async def delegate(
    conn: asyncpg.Connection,
    project: Project,
    delegator: int,
    to: int,
    kind: str | None,
    actor: str,
) -> str:
    """Delegate the caller's vote (globally or for one kind); replaces an earlier one."""
    if not project.settings.get(DELEGATION):
        raise Forbidden("this project does not use delegation")
    scope = check_scope(kind)
    if delegator == to:
        raise InvalidInput("a voter cannot delegate to themselves", "delegate")
    await voter_store.set_delegation(conn, project.id, delegator, scope, to)
    event = DelegationSet(delegator=delegator, delegate=to, scope=scope)
    await append_event(conn, project.id, event, actor)
    return scope


async def revoke(
    conn: asyncpg.Connection, project: Project, delegator: int, kind: str | None, actor: str
) -> str:
    """Revoke the caller's delegation for ``kind`` (or the global one)."""
    scope = check_scope(kind)
    if not await voter_store.delete_delegation(conn, project.id, delegator, scope):
        raise NotFound("you have no delegation for this scope")
    await append_event(conn, project.id, DelegationRevoked(delegator=delegator, scope=scope), actor)
    return scope
