"""The use cases of a vote, each in the caller's transaction with its journal events:
create (idempotent on its key), open (snapshot the electorate), withdraw, cast a
ballot, close (count, record, apply the effect once), and close every proposal that
is due.

Deadlines are judged by the database's clock, never the application's: once an open
proposal's closing time has passed, closing is its only transition (no ballot, no
withdrawal). Ballots are counted per person through the register's merge links
(``people``).

A secret ballot writes no journal event and notifies no one when it is cast: its
fresh receipt (``receipts``) and the ballot wait in the database until close, when
the sheet of standing ballots (receipt order) and the list of who voted are published
together (``docs/secret-ballots.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from msgspec import UNSET

from governance import effects, people, receipts, store, voter_store
from governance.count import Count, public_sheet, recount, secret_sheet
from governance.delegation import choose
from governance.electorate import electorate_hash, evaluate
from governance.methods import method
from governance.models import Draft, Proposal
from ledger.journal.canonical import timestamp
from ledger.journal.chain import append_event, append_events
from ledger.journal.events import decode
from ledger.journal.events.governance import (
    BallotCast,
    ProposalClosed,
    ProposalCreated,
    ProposalDecided,
    ProposalOpened,
    ProposalWithdrawn,
    SheetRow,
)
from ledger.kernel import idempotency
from ledger.kernel.errors import Conflict, ConflictCode, Forbidden, InvalidInput
from ledger.register.models import Project

DELEGATION = "governance_delegation"
SECRET_BALLOTS = "governance_secret_ballots"  # noqa: S105 (a settings key)
CHANNEL = "governance_ballots"
MAX_DURATION = timedelta(days=366)
CREATE_SCOPE = "governance.create_proposal"


class VotingClosed(Conflict):
    """The proposal no longer (or not yet) takes ballots."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ConflictCode.VOTING_CLOSED)


class NotDue(Conflict):
    """The proposal's closing time has not come by the database's clock."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ConflictCode.NOT_DUE)


class NotAnElector(Forbidden):
    """The voter is outside the proposal's snapshotted electorate."""


@dataclass(frozen=True, slots=True)
class Cast:
    """A stored ballot; ``receipt`` (secret ballots) is handed only to the voter."""

    proposal: Proposal
    voter: int
    ballot: dict[str, Any]
    revision: int
    cast_at: datetime
    receipt: bytes | None


async def create(
    conn: asyncpg.Connection,
    project: Project,
    draft: Draft,
    closes_at: datetime,
    actor: str,
    *,
    key: str,
) -> tuple[Proposal, bool]:
    """Store a draft, its action validated against the ledger first; replaying ``key``
    with the same draft returns the first proposal (created=False), with another is
    refused."""
    closes_at = _closing_time(closes_at)
    action = await effects.check_action(conn, project.id, draft.kind, draft.action)
    checked = Draft(**{**_fields(draft), "action": action})
    request = {"input": _request(checked, closes_at), "actor": actor}
    stored = await idempotency.claim(conn, project.id, CREATE_SCOPE, key, request)
    if stored is not None:
        return await store.get(conn, project.id, stored["proposal_id"]), False
    now = await store.db_now(conn)
    if not now < closes_at <= now + MAX_DURATION:
        raise InvalidInput("closesAt must be in the future, within a year", "closesAt")
    secret = bool(project.settings.get(SECRET_BALLOTS))
    if secret and (draft.params.get("casting_vote") or {}).get("voter") is not None:
        raise InvalidInput(
            "a casting voter's ballot must be public; secret ballots settle ties by lot",
            "params.casting_vote",
        )
    proposal = await store.insert(conn, project.id, checked, secret, closes_at, actor)
    body = {**proposal.public(), "closes_at": timestamp(proposal.closes_at)}
    await append_event(conn, project.id, decode(ProposalCreated, body), actor)
    await idempotency.remember(conn, project.id, CREATE_SCOPE, key, {"proposal_id": proposal.id})
    return proposal, True


def _fields(draft: Draft) -> dict[str, Any]:
    return {name: getattr(draft, name) for name in Draft.__slots__}


def _closing_time(value: datetime) -> datetime:
    """``closesAt`` in UTC; it must name its time zone."""
    if value.tzinfo is None:
        raise InvalidInput("closesAt needs a time zone", "closesAt")
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput("closesAt is out of range", "closesAt") from None


def _request(draft: Draft, closes_at: datetime) -> dict[str, object]:
    """The fingerprinted form of a validated draft (for replays of its key)."""
    return {
        "title": draft.title,
        "body": draft.body,
        "kind": draft.kind,
        "method": draft.method,
        "options": list(draft.options),
        "params": draft.params,
        "electorate": draft.electorate.to_json(),
        "quorum": str(draft.quorum),
        "closes_at": timestamp(closes_at),
        "action": draft.action,
    }


async def open_(
    conn: asyncpg.Connection, project_id: int, proposal_id: int, actor: str
) -> Proposal:
    """Snapshot the electorate (by the database's clock), publish its hash, open."""
    proposal = await store.get(conn, project_id, proposal_id, lock="update")
    proposal.require_state("draft")
    if await store.db_now(conn) >= proposal.closes_at:
        raise Conflict(
            "the closing time has already passed; create a new proposal",
            ConflictCode.CLOSING_TIME_PASSED,
        )
    members = await evaluate(conn, project_id, proposal.electorate)
    digest = electorate_hash(members)
    opened = await store.mark_open(conn, proposal, members, digest)
    assert opened.opens_at is not None
    event = ProposalOpened(
        proposal_id=opened.id,
        opens_at=timestamp(opened.opens_at),
        closes_at=timestamp(opened.closes_at),
        electorate_size=len(members),
        electorate_hash=digest.hex(),
        electors=tuple(members),
    )
    await append_event(conn, project_id, event, actor)
    return opened


async def withdraw(
    conn: asyncpg.Connection, project_id: int, proposal_id: int, actor: str
) -> Proposal:
    """Withdraw a draft, or an open proposal before its closing time; its ballots are
    never counted."""
    proposal = await store.get(conn, project_id, proposal_id, lock="update")
    proposal.require_state("draft", "open")
    if proposal.state == "open" and await store.db_now(conn) >= proposal.closes_at:
        raise VotingClosed(
            f"voting closed at {timestamp(proposal.closes_at)}; the proposal can only be closed"
        )
    done = await store.mark_withdrawn(conn, proposal)
    await append_event(conn, project_id, ProposalWithdrawn(proposal_id=done.id), actor)
    await _notify(conn, project_id, done.id)
    return done


async def cast(
    conn: asyncpg.Connection, project_id: int, proposal_id: int, voter: int, raw: Any, actor: str
) -> Cast:
    """Store the voter's ballot (replacing an earlier one) while the proposal is open."""
    proposal = await store.get(conn, project_id, proposal_id, lock="share")
    if proposal.state != "open":
        raise VotingClosed(f"proposal {proposal_id} is {proposal.state}")
    if await store.db_now(conn) >= proposal.closes_at:
        raise VotingClosed(f"voting closed at {timestamp(proposal.closes_at)}")
    if not await store.is_elector(conn, proposal, voter):
        raise NotAnElector("you are not in this proposal's electorate")
    ballot = method(proposal.method).check_ballot(raw, proposal.options, proposal.params)
    receipt = receipts.new_receipt() if proposal.secret else None
    revision, cast_at = await store.upsert_ballot(conn, proposal, voter, ballot, receipt)
    if proposal.running_tally:
        public = BallotCast(proposal_id=proposal.id, voter=voter, revision=revision, ballot=ballot)
        await append_event(conn, project_id, public, actor)
        await _notify(conn, project_id, proposal.id)
    elif not proposal.secret:  # the ballot is published on the sheet at close
        hidden = BallotCast(proposal_id=proposal.id, voter=voter, revision=revision)
        await append_event(conn, project_id, hidden, actor)
    # a secret ballot leaves no trace in public (no event, no notification) until close
    return Cast(proposal, voter, ballot, revision, cast_at, receipt)


async def count(
    conn: asyncpg.Connection | asyncpg.Pool, proposal: Proposal, delegation: bool
) -> Count:
    """Count the current ballots, one per person (delegation applied where the
    project enables it); a secret count also names who voted (``Count.voters``).

    Secret ballots ignore delegation: following a delegation would show each
    delegator how their delegate voted, and the sheet would have to name voters.
    """
    electors = await store.electors(conn, proposal)
    current = await store.ballots(conn, proposal)
    chosen: dict[int, int] = {}
    if delegation and not proposal.secret:
        chosen = choose(await voter_store.delegations(conn, proposal.project_id), proposal.kind)
    person = await store.persons(conn, [*electors, *chosen, *chosen.values()])
    stand = people.standing({v: c.cast_at for v, c in current.items()}, person).values()
    voters = None
    if proposal.secret:
        sealed = {v: (current[v].ballot, r) for v in stand if (r := current[v].receipt) is not None}
        sheet, voters = secret_sheet(sealed), tuple(sorted(sealed))
    else:
        sheet = public_sheet(electors, {v: current[v].ballot for v in stand}, chosen, person)
    counted = recount(
        sheet, proposal.method, proposal.options, proposal.params, proposal.quorum, len(electors)
    )
    return replace(counted, voters=voters)


async def close(
    conn: asyncpg.Connection, project: Project, proposal_id: int, actor: str
) -> Proposal:
    """Count, record the outcome and apply a passed proposal's effect, exactly once."""
    proposal = await store.get(conn, project.id, proposal_id, lock="update")
    proposal.require_state("open")
    if await store.db_now(conn) < proposal.closes_at:
        raise NotDue(f"voting is open until {timestamp(proposal.closes_at)}")
    counted = await count(conn, proposal, bool(project.settings.get(DELEGATION)))
    effect = None
    if counted.outcome == "passed":
        effect = await effects.apply(conn, proposal, actor)
    closed = await store.mark_closed(
        conn, proposal, counted.outcome, counted.result(), counted.sheet_hash, effect
    )
    assert closed.closed_at is not None
    closing = ProposalClosed(
        proposal_id=closed.id,
        closed_at=timestamp(closed.closed_at),
        turnout=counted.tally.counted,
        sheet_hash=counted.sheet_hash.hex(),
        sheet=tuple(SheetRow(**row) for row in counted.sheet),
        voters=UNSET if counted.voters is None else counted.voters,
    )
    decided = {
        "proposal_id": closed.id,
        "outcome": counted.outcome,
        "electorate_hash": (closed.electorate_hash or b"").hex(),
        "result": counted.result(),
        "effect": effect,
    }
    decision = decode(ProposalDecided, decided)
    await append_events(conn, project.id, [(closing, actor), (decision, actor)])
    await _notify(conn, project.id, closed.id)
    return closed


async def _notify(conn: asyncpg.Connection, project_id: int, proposal_id: int) -> None:
    """Wake live-tally watchers of this proposal (delivered at commit)."""
    await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, f"{project_id}:{proposal_id}")


async def close_due(
    pool: asyncpg.Pool, limit: int = 100, actor: str = "scheduler"
) -> list[Proposal]:
    """Close every open proposal whose time has passed (each in its own transaction);
    a proposal someone else closed first is skipped."""
    from ledger.register.projects import load_projects

    closed = []
    due = await store.due(pool, limit)
    ids = sorted({project_id for project_id, _ in due})
    found = dict(zip(ids, await load_projects(pool, ids), strict=True))
    for project_id, proposal_id in due:
        project = found[project_id]
        if project is None:
            continue
        try:
            async with pool.acquire() as conn, conn.transaction():
                closed.append(await close(conn, project, proposal_id, actor))
        except Conflict:
            continue
    return closed
