"""The plan of ``ContributorProfile``: three statements (the register's profile, the
contributor's licensing, their part in decisions) projected into the operation's
``data``."""

from __future__ import annotations

from typing import Any

import asyncpg

from governance import reads
from governance.gql.types import ProposalState
from ledger.graphql import global_id, number_of
from ledger.kernel.errors import InvalidInput
from ledger.register import dashboard
from ledger.register.credit import explain
from ledger.register.standing import Standing
from licenses import coverage
from licenses.gql.enums import GrantInstrument
from licenses.gql.types import grant_status

DIGEST = "d6db63115660f32aab8edcb69b915f6067e0d1cd4d062fc7014468453f49f2c9"
GRANTS, BALLOTS, RECENT = 10, 10, 10


def _standing(s: Standing | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "rank": s.rank,
        "rankedAmong": s.ranked,
        "contributions": s.contributions,
        "credit": str(s.credit),
        "firstAt": s.first_at,
        "lastAt": s.last_at,
        "creditExplanation": [
            {
                "kind": line.kind,
                "policyVersion": line.policy_version,
                "contributions": line.contributions,
                "weight": str(line.weight),
                "credit": str(line.credit),
                "explanation": explain(
                    line.contributions, line.kind, line.weight, line.policy_version
                ),
            }
            for line in s.lines
        ],
        "byKindAndMonth": [
            {
                "month": c.month,
                "kind": c.kind,
                "contributions": c.contributions,
                "credit": str(c.credit),
            }
            for c in s.cells
        ],
    }


def _kind(scope: str) -> str | None:
    return None if scope == "*" else scope


async def _profile(
    conn: asyncpg.Connection, project_id: int, who: tuple[int, str, bool], found: dashboard.Profile
) -> dict[str, Any]:
    number, name, bot = who
    covered, grants = await coverage.contributor_licensing(conn, project_id, number, GRANTS)
    part = await reads.part_of(conn, project_id, number, BALLOTS)
    return {
        "contributor": {
            "id": global_id("Contributor", number),
            "number": number,
            "displayName": name,
            "isBot": bot,
        },
        "standing": _standing(found.standing),
        "coverage": {
            "contributions": covered.total,
            "covered": covered.covered,
            "uncovered": covered.total - covered.covered,
            "status": grant_status(covered.covered, covered.total).name,
        },
        "grants": [
            {
                "number": g.number,
                "instrument": GrantInstrument(g.instrument).name,
                "licenseExpression": g.license_expression,
                "effectiveAt": g.effective_at,
                "withdrawnAt": g.withdrawn_at,
            }
            for g in grants
        ],
        "ballots": {
            "totalCount": part.cast,
            "nodes": [
                {
                    "proposal": b.proposal,
                    "title": b.title,
                    "state": ProposalState(b.state).name,
                    "outcome": b.outcome,
                    "castAt": b.cast_at,
                }
                for b in part.ballots
            ],
        },
        "delegations": {
            "given": [
                {"delegate": d.delegate, "kind": _kind(d.scope)}
                for d in part.delegations
                if d.delegator == number
            ],
            "received": [
                {"delegator": d.delegator, "kind": _kind(d.scope)}
                for d in part.delegations
                if d.delegate == number
            ],
        },
    }


async def run(pool: asyncpg.Pool, variables: dict[str, Any]) -> dict[str, Any] | None:
    """The profile's ``data`` (None: let GraphQL answer these variables)."""
    slug, asked = variables.get("slug"), variables.get("contributor")
    if not isinstance(slug, str) or not isinstance(asked, str | int) or isinstance(asked, bool):
        return None
    if variables.keys() != {"slug", "contributor"}:
        return None
    try:
        number = number_of(str(asked), "Contributor", "contributor")
    except InvalidInput:
        return None
    async with pool.acquire() as conn:
        found = await dashboard.profile(conn, slug, number, RECENT)
        if found is None:
            return {"project": None}
        person = None
        if found.contributor is not None:
            person = await _profile(conn, found.project_id, found.contributor, found)
    return {
        "project": {
            "slug": found.slug,
            "name": found.name,
            "contributorProfile": person,
            "contributions": {
                "nodes": [
                    {
                        "kind": w.kind,
                        "occurredAt": w.occurred_at,
                        "credit": str(w.credit),
                        "evidenceUrl": w.evidence_url,
                    }
                    for w in found.recent
                ]
            },
        }
    }
