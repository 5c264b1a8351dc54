"""Proposals through the service on a real database: electorate snapshots, ballots,
closing, journal events."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from governance import service, store
from governance.electorate import Rule, electorate_hash
from governance.models import Proposal, check_draft
from governance.service import NotAnElector, NotDue, VotingClosed
from ledger.journal.canonical import canonical_json, sha256
from ledger.journal.chain import verify
from ledger.kernel.errors import Conflict, IdempotencyMismatch, InvalidInput
from ledger.register.models import Project
from tests.integration.governance.conftest import (
    MakeProposal,
    contribute,
    expire,
    people,
)


async def events(
    pool: asyncpg.Pool, project: Project, prefix: str
) -> list[tuple[str, dict[str, Any]]]:
    rows = await pool.fetch(
        "SELECT type, body FROM journal_events WHERE project_id = $1 AND type LIKE $2 ORDER BY seq",
        project.id,
        prefix + "%",
    )
    return [(r["type"], r["body"]) for r in rows]


async def vote(pool: asyncpg.Pool, proposal: Proposal, voter: int, ballot: object) -> service.Cast:
    async with pool.acquire() as conn, conn.transaction():
        return await service.cast(
            conn, proposal.project_id, proposal.id, voter, ballot, f"v{voter}"
        )


async def close(pool: asyncpg.Pool, project: Project, proposal_id: int) -> Proposal:
    async with pool.acquire() as conn, conn.transaction():
        return await service.close(conn, project, proposal_id, "closer")


async def test_the_electorate_is_snapshotted_by_credit_and_later_work_adds_no_voter(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    ann, bob, cy = await people(pool, "Ann", "Bob", "Cy")
    (bot,) = await people(pool, "ci-bot", bot=True)
    await contribute(pool, project, ann, 3)
    await contribute(pool, project, bob, 1)
    await contribute(pool, project, bob, 5, ago_days=400)
    await contribute(pool, project, bot, 9)
    rule = Rule(min_credit=Decimal("2"), months=6)
    proposal = await make_proposal(rule=rule)
    assert proposal.electorate_size == 1
    assert proposal.electorate_hash == sha256(canonical_json([ann])) == electorate_hash([ann])
    await contribute(pool, project, cy, 10)
    with pytest.raises(NotAnElector):
        await vote(pool, proposal, cy, {"choice": "yes"})
    assert await store.electors(pool, proposal) == [ann]
    opened = await events(pool, project, "proposal.opened")
    assert opened[0][1]["electors"] == [ann]
    assert opened[0][1]["electorate_hash"] == electorate_hash([ann]).hex()


async def test_a_union_rule_admits_maintainers_members_and_listed_contributors(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    from governance.voters import set_role

    ann, bob, cy, dee = await people(pool, "Ann", "Bob", "Cy", "Dee")
    async with pool.acquire() as conn, conn.transaction():
        assert await set_role(conn, project, ann, "maintainer", "admin")
        assert await set_role(conn, project, bob, "member", "admin")
        assert not await set_role(conn, project, bob, "member", "admin")
    both = await make_proposal(rule=Rule(maintainers=True, members=True, contributors=(dee,)))
    assert await store.electors(pool, both) == [ann, bob, dee]
    only = await make_proposal(rule=Rule(maintainers=True))
    assert await store.electors(pool, only) == [ann]
    assert cy not in await store.electors(pool, both)


async def test_a_voter_may_change_their_ballot_and_the_latest_counts(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    ann, bob = await people(pool, "Ann", "Bob")
    proposal = await make_proposal(voters=[ann, bob])
    first = await vote(pool, proposal, ann, {"choice": "no"})
    second = await vote(pool, proposal, ann, {"choice": "yes"})
    assert (first.revision, second.revision) == (1, 2)
    await expire(pool, proposal)
    closed = await close(pool, project, proposal.id)
    assert closed.outcome == "passed"
    assert closed.result is not None
    assert closed.result["details"]["yes"] == 1
    assert closed.result["details"]["no"] == 0
    cast_events = await events(pool, project, "ballot.cast")
    assert [e[1]["ballot"] for e in cast_events] == [{"choice": "no"}, {"choice": "yes"}]


async def test_ballots_after_close_malformed_or_on_drafts_get_typed_errors(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    (ann,) = await people(pool, "Ann")
    draft = await make_proposal(voters=[ann], open_it=False)
    with pytest.raises(VotingClosed):
        await vote(pool, draft, ann, {"choice": "yes"})
    proposal = await make_proposal(voters=[ann])
    with pytest.raises(InvalidInput):
        await vote(pool, proposal, ann, {"choice": "perhaps"})
    await expire(pool, proposal)
    with pytest.raises(VotingClosed, match="voting closed"):
        await vote(pool, proposal, ann, {"choice": "yes"})
    assert await store.ballots(pool, proposal) == {}


async def test_concurrent_double_submissions_leave_exactly_one_ballot(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    (ann,) = await people(pool, "Ann")
    proposal = await make_proposal(voters=[ann])
    done = await asyncio.gather(
        *(vote(pool, proposal, ann, {"choice": c}) for c in ("yes", "no", "yes", "abstain"))
    )
    assert sorted(d.revision for d in done) == [1, 2, 3, 4]
    rows = await pool.fetch(
        "SELECT voter_id, revision FROM ballots WHERE project_id = $1", project.id
    )
    assert [(r["voter_id"], r["revision"]) for r in rows] == [(ann, 4)]


async def test_closing_before_time_is_refused_and_closing_twice_conflicts(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    (ann,) = await people(pool, "Ann")
    proposal = await make_proposal(voters=[ann])
    with pytest.raises(NotDue):
        await close(pool, project, proposal.id)
    await expire(pool, proposal)
    closed = await close(pool, project, proposal.id)
    assert (closed.state, closed.outcome) == ("closed", "failed")
    with pytest.raises(Conflict, match="closed"):
        await close(pool, project, proposal.id)
    kinds = [t for t, _ in await events(pool, project, "proposal.")]
    assert kinds == ["proposal.created", "proposal.opened", "proposal.closed", "proposal.decided"]
    async with pool.acquire() as conn:
        assert (await verify(conn, project.id)).ok


async def test_without_quorum_the_outcome_is_no_quorum(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    voters = await people(pool, "Ann", "Bob", "Cy", "Dee")
    proposal = await make_proposal(voters=voters, quorum="1/2")
    await vote(pool, proposal, voters[0], {"choice": "yes"})
    await expire(pool, proposal)
    closed = await close(pool, project, proposal.id)
    assert closed.outcome == "no_quorum"
    reached = await make_proposal(voters=voters, quorum="1/2")
    await vote(pool, reached, voters[0], {"choice": "yes"})
    await vote(pool, reached, voters[1], {"choice": "abstain"})
    await expire(pool, reached)
    assert (await close(pool, project, reached.id)).outcome == "passed"


async def test_a_withdrawn_proposal_takes_no_ballots_and_cannot_close(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    (ann,) = await people(pool, "Ann")
    proposal = await make_proposal(voters=[ann])
    async with pool.acquire() as conn, conn.transaction():
        withdrawn = await service.withdraw(conn, project.id, proposal.id, "mia")
    assert withdrawn.state == "withdrawn"
    with pytest.raises(VotingClosed):
        await vote(pool, proposal, ann, {"choice": "yes"})
    await expire(pool, proposal)
    with pytest.raises(Conflict):
        await close(pool, project, proposal.id)


async def test_close_due_closes_only_proposals_whose_time_has_passed(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    (ann,) = await people(pool, "Ann")
    due = await make_proposal("lazy_consensus", voters=[ann])
    later = await make_proposal("lazy_consensus", voters=[ann])
    await expire(pool, due)
    closed = await service.close_due(pool)
    assert [(p.id, p.outcome) for p in closed] == [(due.id, "passed")]
    assert (await store.get(pool, project.id, later.id)).state == "open"
    assert await service.close_due(pool) == []


async def test_replaying_a_creation_key_returns_the_first_proposal_to_every_caller(
    pool: asyncpg.Pool, project: Project
) -> None:
    rule = Rule(contributors=tuple(await people(pool, "Ann")))
    draft = check_draft("Adopt it", "", "general", [], "majority", None, rule, "0", {})
    closes = datetime.now(UTC) + timedelta(days=3)
    async with pool.acquire() as conn, conn.transaction():
        first, created = await service.create(conn, project, draft, closes, "mia", key="k")
        again, replayed = await service.create(conn, project, draft, closes, "mia", key="k")
        assert (created, replayed, again) == (True, False, first)
        other = replace(draft, title="Adopt something else")
        with pytest.raises(IdempotencyMismatch):
            await service.create(conn, project, other, closes, "mia", key="k")
    assert [t for t, _ in await events(pool, project, "proposal.")] == ["proposal.created"]
