"""The plan of ``ProjectOverview``: two statements (the register's overview, the open
proposals by deadline) projected into the operation's ``data``."""

from __future__ import annotations

from typing import Any

import asyncpg

from governance import reads
from ledger.graphql import global_id
from ledger.register import dashboard

DIGEST = "b3658ad9b8490e8b8fc9179aeaca88b929fe7d39b132b480ad982ccc4c2db04f"
PEOPLE, RECENT, DUE = 10, 10, 5


async def run(pool: asyncpg.Pool, variables: dict[str, Any]) -> dict[str, Any] | None:
    """The overview's ``data`` (None: let GraphQL answer these variables)."""
    slug = variables.get("slug")
    if not isinstance(slug, str) or variables.keys() != {"slug"}:
        return None
    async with pool.acquire() as conn:
        found = await dashboard.overview(conn, slug, PEOPLE, RECENT)
        if found is None:
            return {"project": None}
        due, open_count = await reads.due(conn, found.project_id, DUE)
    t = found.totals
    return {
        "project": {
            "slug": found.slug,
            "name": found.name,
            "description": found.description,
            "outboundLicense": found.outbound_license,
            "totals": {
                "contributions": t.contributions,
                "credit": str(t.credit),
                "contributors": t.contributors,
                "firstAt": t.first_at,
                "lastAt": t.last_at,
            },
            "months": [
                {
                    "month": m.month,
                    "contributions": m.contributions,
                    "credit": str(m.credit),
                    "contributors": m.contributors,
                }
                for m in found.months
            ],
            "contributors": {
                "totalCount": found.ranked_people,
                "nodes": [
                    {
                        "credit": str(r.credit),
                        "contributions": r.contributions,
                        "lastAt": r.last_at,
                        "contributor": {
                            "id": global_id("Contributor", r.person.number),
                            "number": r.person.number,
                            "displayName": r.person.display_name,
                        },
                    }
                    for r in found.people
                ],
            },
            "contributions": {
                "nodes": [
                    {
                        "kind": w.kind,
                        "occurredAt": w.occurred_at,
                        "contributor": {
                            "number": w.person.number if w.person else None,
                            "displayName": w.person.display_name if w.person else None,
                        },
                    }
                    for w in found.recent
                ],
            },
            "contributionsByKind": [
                {"kind": k, "contributions": n, "credit": str(c)} for k, n, c in found.kinds
            ],
            "proposals": {
                "totalCount": open_count,
                "nodes": [
                    {"number": d.number, "title": d.title, "kind": d.kind, "closesAt": d.closes_at}
                    for d in due
                ],
            },
        }
    }
