"""The use cases of the grant register that every caller goes through (GraphQL, the
demo, benchmarks, tests): record a grant and withdraw one, each in the caller's
transaction with its journal event.

Recording checks the grant's shape (``NewGrant.validated``), settles its license
against the project's (inbound=outbound and DCO grants are under the outbound
license) and pins the agreement text it accepts, then stores it idempotently.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import asyncpg

from ledger.kernel.errors import InvalidInput
from ledger.register.models import Project
from licenses import agreements, grants
from licenses.models import AgreementText, Grant, NewGrant

MAX_REASON = 2000


async def record_grant(
    conn: asyncpg.Connection, project: Project, grant: NewGrant, actor: str
) -> tuple[Grant, bool]:
    """Validate and record one grant; a replay of its natural key returns the first
    (created=False) and is refused when the facts differ."""
    grant = grant.validated()
    expression = await _license(conn, project, grant)
    text = await _agreement(conn, project.id, grant, actor)
    settled = replace(
        grant,
        license_expression=expression,
        agreement_version=text.version if text else None,
    )
    return await grants.insert_grant(
        conn, project.id, settled, text.sha256 if text else None, actor
    )


async def _license(conn: asyncpg.Connection, project: Project, grant: NewGrant) -> str | None:
    """The grant's normalised license: the project's own for inbound=outbound and DCO."""
    outbound = project.outbound_license
    given = grant.license_expression
    if grant.instrument in ("inbound_outbound", "dco"):
        if outbound is None and grant.instrument == "inbound_outbound":
            raise InvalidInput("the project declares no outbound license", "licenseExpression")
        if given is not None:
            normalised = await agreements.check_license(conn, project.id, given)
            if normalised != outbound:
                raise InvalidInput(
                    f"an {grant.instrument} grant is under the project's license {outbound}",
                    "licenseExpression",
                )
        return outbound
    if given is None:
        raise InvalidInput("name the license granted", "licenseExpression")
    return await agreements.check_license(conn, project.id, given)


async def _agreement(
    conn: asyncpg.Connection, project_id: int, grant: NewGrant, actor: str
) -> AgreementText | None:
    """The agreement text the grant accepts (none for an explicit grant); a DCO grant
    publishes DCO 1.1 first when the project has no DCO text yet."""
    if grant.instrument == "explicit":
        return None
    if grant.instrument == "dco":
        await agreements.ensure_dco(conn, project_id, actor)
    return await agreements.agreement_version(
        conn, project_id, grant.instrument, grant.agreement_version
    )


async def withdraw_grant(
    conn: asyncpg.Connection,
    project_id: int,
    grant_id: int,
    at: datetime | None,
    reason: str,
    actor: str,
) -> Grant:
    """Withdraw a grant from ``at`` (now when None, never in the past): work made
    before stays covered."""
    if at is not None and at.tzinfo is None:
        raise InvalidInput("at needs a time zone", "at")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"reason is at most {MAX_REASON} characters", "reason")
    now = await grants.db_now(conn)
    return await grants.withdraw_grant(conn, project_id, grant_id, at or now, reason, now, actor)
