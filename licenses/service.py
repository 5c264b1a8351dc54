"""The use cases of the grant register that every caller goes through (GraphQL, the
demo, benchmarks, tests): record a grant and withdraw one, each in the caller's
transaction with its journal event.

Recording checks the grant's shape (``NewGrant.validated``), settles its license
against the project's (inbound=outbound and DCO grants are under the outbound
license) and pins the agreement text it accepts, then stores it idempotently.

A site's terms of use (a wiki's: every edit is published under its license) are each
contributor's inbound=outbound grant, recorded in bulk by ``record_terms_grants``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

import asyncpg

from ledger.kernel.errors import InvalidInput
from ledger.register.models import Project
from licenses import agreements, grants
from licenses.models import DCO_RIGHTS, AgreementText, Grant, NewGrant

MAX_REASON = 2000
# What a site's terms give everyone: a copyleft license grants no sublicensing.
TERMS_RIGHTS = DCO_RIGHTS
_TERMS_FROM = """
SELECT grantor_contributor_id AS contributor, min(scope_from) AS since FROM grants
WHERE project_id = $1 AND instrument = 'inbound_outbound' AND starts_with(natural_key, $2)
    AND grantor_contributor_id = any($3::bigint[])
GROUP BY 1
"""


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


async def record_terms_grants(
    conn: asyncpg.Connection,
    project: Project,
    firsts: Mapping[int, datetime],
    terms: str,
    actor: str,
) -> int:
    """Record that each contributor in ``firsts`` grants, by the terms named ``terms``,
    the project's outbound license to everyone on all their work from their first
    contribution under them (the newest inbound=outbound text); work older than an
    editor's grant gets one more grant from then. How many grants were new."""
    if not firsts:
        return 0
    if project.outbound_license is None:
        raise InvalidInput("the project declares no outbound license", "licenseExpression")
    text = await agreements.agreement_version(conn, project.id, "inbound_outbound", None)
    prefix = f"terms:{terms}:"
    rows = await conn.fetch(_TERMS_FROM, project.id, prefix, list(firsts))
    since = {r["contributor"]: r["since"] for r in rows}
    made: list[tuple[NewGrant, bytes | None]] = []
    for contributor, first in sorted(firsts.items()):
        if contributor in since and since[contributor] <= first:
            continue
        grant = NewGrant(
            natural_key=f"{prefix}{contributor}:{first.isoformat()}",
            instrument="inbound_outbound",
            grantee="public",
            license_expression=project.outbound_license,
            rights=TERMS_RIGHTS,
            patent_grant=False,
            irrevocable=True,
            royalty_free=True,
            effective_at=first,
            grantor_contributor_id=contributor,
            agreement_version=text.version,
            scope_from=first,
            signature_method="terms of use",
        )
        made.append((grant.validated(), text.sha256))
    return len(await grants.insert_grants(conn, project.id, made, actor))
