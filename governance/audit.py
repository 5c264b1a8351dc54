"""Recheck a decided proposal from its published journal events alone.

``proposal.created`` gives the method, options, parameters and quorum;
``proposal.opened`` the elector list and its hash; ``proposal.closed`` the tally sheet
and its hash; ``proposal.decided`` the outcome and result. ``recheck`` recomputes the
hashes and the count and names every disagreement; an empty list means the published
result is exactly what the published ballots give.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import asyncpg

from governance.count import recount
from governance.electorate import electorate_hash
from ledger.journal.canonical import canonical_json, sha256
from ledger.kernel.errors import NotFound

EVENTS = ("proposal.created", "proposal.opened", "proposal.closed", "proposal.decided")


def recheck(events: dict[str, dict[str, Any]]) -> list[str]:
    """Problems found recomputing a decided proposal from its four public events."""
    created, opened = events["proposal.created"], events["proposal.opened"]
    closed, decided = events["proposal.closed"], events["proposal.decided"]
    problems = []
    electors = opened["electors"]
    if electorate_hash(electors).hex() != opened["electorate_hash"]:
        problems.append("the elector list does not hash to the published electorate hash")
    if decided["electorate_hash"] != opened["electorate_hash"]:
        problems.append("the decision names another electorate than the opening")
    sheet = closed["sheet"]
    if sha256(canonical_json(sheet)).hex() != closed["sheet_hash"]:
        problems.append("the tally sheet does not hash to the published sheet hash")
    voters = [row["voter"] for row in sheet if "voter" in row]
    if len(set(voters)) != len(voters) or not set(voters) <= set(electors):
        problems.append("the sheet counts a voter twice or someone outside the electorate")
    if len(sheet) > len(electors):
        problems.append("the sheet holds more ballots than there are electors")
    again = recount(
        sheet,
        created["method"],
        tuple(created["options"]),
        created["params"],
        Fraction(created["quorum"]),
        len(electors),
    )
    if again.result() != decided["result"]:
        problems.append("recounting the sheet gives another result than the published one")
    if again.outcome != decided["outcome"]:
        problems.append(f"recount says {again.outcome}, the decision says {decided['outcome']}")
    return problems


_EVENTS = """
SELECT type, body FROM journal_events
WHERE project_id = $1 AND type = any($2::text[]) AND (body->>'proposal_id')::bigint = $3
ORDER BY seq
"""


async def published(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, proposal_id: int
) -> dict[str, dict[str, Any]]:
    """The four public events of a decided proposal; NotFound if it is not decided."""
    rows = await conn.fetch(_EVENTS, project_id, list(EVENTS), proposal_id)
    found = {r["type"]: r["body"] for r in rows}
    missing = [e for e in EVENTS if e not in found]
    if missing:
        raise NotFound(f"proposal {proposal_id} has no {missing[0]} event (not decided yet?)")
    return found
