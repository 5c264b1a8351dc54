"""A wiki's terms of use as its editors' grants: every edit saved on a wiki is
published under the wiki's license (Wikipedia's: CC BY-SA 4.0 and the GFDL), so the
project that holds a wiki's history declares that license as its outbound one, keeps
the terms as its inbound=outbound agreement text, and each editor's work from their
first edit is under an inbound=outbound grant (``licenses.service``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from intake.wiki.edits import Site
from ledger.kernel.errors import InvalidInput
from ledger.register.models import Project
from ledger.register.projects import get_project, update_project
from licenses.agreements import check_license, latest_agreement, publish_agreement
from licenses.service import record_terms_grants

_FIRSTS = """
SELECT contributor_id, min(occurred_at) AS first FROM contributions
WHERE project_id = $1 AND natural_key = any($2::text[]) GROUP BY 1
"""


def terms_text(site: Site, license_expression: str) -> str:
    """The agreement text a wiki's terms amount to."""
    where = site.name or site.wiki
    return (
        f"Terms of use of {where}: every edit saved on {where} is published under "
        f"{license_expression}. By saving an edit, its editor licenses it to everyone "
        "under these terms, non-exclusively and irrevocably, keeping their copyright."
    )


async def ensure_terms(
    conn: asyncpg.Connection,
    project: Project,
    site: Site,
    terms: str | None,
    since: datetime,
    actor: str,
) -> Project:
    """The project under the wiki's terms: ``terms`` becomes its outbound license when
    it has none (a different one is refused), and the terms its inbound=outbound text
    when it has none (effective from ``since``, the wiki's first edit read)."""
    if terms is not None:
        wanted = await check_license(conn, project.id, terms)
        if project.outbound_license is None:
            project = await update_project(conn, project, {"outbound_license": wanted}, actor)
        elif project.outbound_license != wanted:
            raise InvalidInput(
                f"the project's license is {project.outbound_license}, not {wanted}: "
                "a wiki's edits are under its terms' license",
                "terms",
            )
    if project.outbound_license is None:
        raise InvalidInput(
            "a wiki's terms license every edit: give them (--terms SPDX) or set the "
            "project's outbound license",
            "terms",
        )
    if await latest_agreement(conn, project.id, "inbound_outbound") is None:
        title = f"Terms of use of {site.name or site.wiki}"[:200]
        text = terms_text(site, project.outbound_license)
        await publish_agreement(conn, project.id, "inbound_outbound", title, text, since, actor)
    return await get_project(conn, project.slug)


async def grant_terms(
    conn: asyncpg.Connection, project: Project, site: Site, keys: Sequence[str], actor: str
) -> int:
    """The terms grants of the editors of these contributions; how many were new."""
    rows = await conn.fetch(_FIRSTS, project.id, list(keys))
    firsts = {r["contributor_id"]: r["first"] for r in rows}
    return await record_terms_grants(conn, project, firsts, f"mediawiki:{site.wiki}", actor)
