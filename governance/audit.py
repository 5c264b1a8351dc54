"""Recheck a decided proposal from its published journal events alone.

``proposal.created`` gives the method, options, parameters, quorum and whether ballots
are secret; ``proposal.opened`` the elector list and its hash; ``proposal.closed`` the
tally sheet, its hash and, for secret ballots, the list of who voted;
``proposal.decided`` the outcome and result. ``recheck`` recomputes the hashes and the
count and holds the sheet against the electorate (and, for secret ballots, against
the voter list: as many voters as ballots, every voter an elector, no receipt twice,
receipt order, the turnout), naming every disagreement; an empty list means the
published result is exactly what the published ballots give.

What no one but an elector can see is whether the voter list tells the truth about
them: ``as_elector`` checks a voter's receipt is on the sheet and that an elector who
did not vote is not listed (a ballot cast in their name).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

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
from ledger.kernel.errors import InvalidInput, NotFound


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
    check = _secret_sheet if created.secret else _public_sheet
    problems.extend(check(closed, set(electors)))
    if len(sheet) > len(electors):
        problems.append("the sheet holds more ballots than there are electors")
    if closed.turnout != len(sheet):
        problems.append(f"the closing's turnout is {closed.turnout}, the sheet's {len(sheet)}")
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


def _public_sheet(closed: ProposalClosed, electors: set[int]) -> list[str]:
    """A public sheet: one row per elector counted, each naming its voter."""
    problems = []
    rows = closed.sheet
    if any(r.voter is UNSET or r.cast_by is UNSET or r.receipt is not UNSET for r in rows):
        problems.append("a row of the public sheet names no voter or carries a receipt")
    voters = [row.voter for row in rows if row.voter is not UNSET]
    if len(set(voters)) != len(voters) or not set(voters) <= electors:
        problems.append("the sheet counts a voter twice or someone outside the electorate")
    if closed.voters is not UNSET:
        problems.append("a public closing carries a voter list")
    return problems


def _secret_sheet(closed: ProposalClosed, electors: set[int]) -> list[str]:
    """A secret sheet: receipts only, none twice, in receipt order, as many as voters."""
    problems = []
    rows = closed.sheet
    if any(r.receipt is UNSET or r.voter is not UNSET or r.cast_by is not UNSET for r in rows):
        problems.append("a row of the secret sheet names a voter or carries no receipt")
    receipts = [row.receipt for row in rows if row.receipt is not UNSET]
    if len(set(receipts)) != len(receipts):
        problems.append("the sheet holds a receipt twice")
    if receipts != sorted(receipts):
        problems.append("the sheet is not in receipt order")
    if closed.voters is UNSET:
        return [*problems, "the closing of a secret vote publishes no voter list"]
    voters = list(closed.voters)
    if len(set(voters)) != len(voters) or not set(voters) <= electors:
        problems.append("the voter list names someone twice or outside the electorate")
    if voters != sorted(voters):
        problems.append("the voter list is not sorted")
    if len(voters) != len(rows):
        problems.append(f"the sheet holds {len(rows)} ballots, the voter list {len(voters)}")
    return problems


@dataclass(frozen=True, slots=True)
class Mine:
    """What an elector finds about themself: problems, and their receipt's ballot."""

    problems: list[str]
    ballot: dict[str, Any] | None


def as_elector(events: Published, elector: int, receipt: str | None) -> Mine:
    """Check the published vote as ``elector`` sees it: with the ``receipt`` of their
    (last) secret ballot, it must be on the sheet and they on the voter list; without
    one (they did not vote), they must not be on the voter list."""
    closed = events.closed
    if not events.created.secret:
        raise InvalidInput("public ballots have no receipts or voter list", "proposal")
    listed = closed.voters is not UNSET and elector in closed.voters
    if elector not in events.opened.electors:
        return Mine([f"contributor {elector} is not in this proposal's electorate"], None)
    if receipt is None:
        found = [f"contributor {elector} did not vote but is on the voter list"] if listed else []
        return Mine(found, None)
    rows = [row for row in closed.sheet if row.receipt == receipt.lower()]
    problems = [] if rows else [f"receipt {receipt} is not on the tally sheet"]
    if not listed:
        problems.append(f"contributor {elector} voted but is not on the voter list")
    return Mine(problems, rows[0].ballot if rows else None)


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
