"""Recheck a decided proposal from its published journal events alone.

``proposal.created`` gives the method, options, parameters and quorum;
``proposal.opened`` the elector list and its hash; ``proposal.closed`` the tally sheet
and its hash; ``proposal.decided`` the outcome and result. ``recheck`` recomputes the
hashes and the count and names every disagreement; an empty list means the published
result is exactly what the published ballots give.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import asyncpg
from msgspec import UNSET

from governance.count import recount
from governance.electorate import electorate_hash
from ledger.journal.canonical import canonical_json, sha256
from ledger.journal.events import decode, encode
from ledger.journal.events.governance import (
    ProposalClosed,
    ProposalCreated,
    ProposalDecided,
    ProposalOpened,
)
from ledger.kernel.errors import NotFound


@dataclass(frozen=True, slots=True)
class Published:
    """The four public events of a decided proposal."""

    created: ProposalCreated
    opened: ProposalOpened
    closed: ProposalClosed
    decided: ProposalDecided


EVENTS = (ProposalCreated, ProposalOpened, ProposalClosed, ProposalDecided)


def recheck(events: Published) -> list[str]:
    """Problems found recomputing a decided proposal from its four public events."""
    created, opened, closed, decided = events.created, events.opened, events.closed, events.decided
    problems = []
    electors = list(opened.electors)
    if electorate_hash(electors).hex() != opened.electorate_hash:
        problems.append("the elector list does not hash to the published electorate hash")
    if decided.electorate_hash != opened.electorate_hash:
        problems.append("the decision names another electorate than the opening")
    sheet = encode(closed)["sheet"]
    if sha256(canonical_json(sheet)).hex() != closed.sheet_hash:
        problems.append("the tally sheet does not hash to the published sheet hash")
    voters = [row.voter for row in closed.sheet if row.voter is not UNSET]
    if len(set(voters)) != len(voters) or not set(voters) <= set(electors):
        problems.append("the sheet counts a voter twice or someone outside the electorate")
    if len(sheet) > len(electors):
        problems.append("the sheet holds more ballots than there are electors")
    again = recount(
        sheet,
        created.method,
        created.options,
        created.params,
        Fraction(created.quorum),
        len(electors),
    )
    if again.result() != encode(decided)["result"]:
        problems.append("recounting the sheet gives another result than the published one")
    if again.outcome != decided.outcome:
        problems.append(f"recount says {again.outcome}, the decision says {decided.outcome}")
    return problems


_EVENTS = """
SELECT type, body FROM journal_events
WHERE project_id = $1 AND type = any($2::text[]) AND (body->>'proposal_id')::bigint = $3
ORDER BY seq
"""


async def published(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, proposal_id: int
) -> Published:
    """The four public events of a decided proposal; NotFound if it is not decided."""
    rows = await conn.fetch(_EVENTS, project_id, [e.TYPE for e in EVENTS], proposal_id)
    found = {r["type"]: r["body"] for r in rows}
    missing = [e.TYPE for e in EVENTS if e.TYPE not in found]
    if missing:
        raise NotFound(f"proposal {proposal_id} has no {missing[0]} event (not decided yet?)")
    return Published(
        decode(ProposalCreated, found[ProposalCreated.TYPE]),
        decode(ProposalOpened, found[ProposalOpened.TYPE]),
        decode(ProposalClosed, found[ProposalClosed.TYPE]),
        decode(ProposalDecided, found[ProposalDecided.TYPE]),
    )
