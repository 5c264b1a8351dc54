"""Effects of passed proposals, applied once in the closing transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from governance import service, store, voter_store
from governance.electorate import Rule
from governance.models import Proposal
from ledger.kernel.errors import InvalidInput
from ledger.register.credit import current_policy
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people


async def close(pool: asyncpg.Pool, project: Project, proposal_id: int) -> Proposal:
    async with pool.acquire() as conn, conn.transaction():
        return await service.close(conn, project, proposal_id, "closer")


async def vote(pool: asyncpg.Pool, proposal: Proposal, voter: int, ballot: object) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await service.cast(conn, proposal.project_id, proposal.id, voter, ballot, "v")


async def test_a_passed_credit_policy_proposal_creates_the_next_policy_version_once(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    ann, bob = await people(pool, "Ann", "Bob")
    action = {"weights": {"doc": "3", "code": "2.5"}, "reason": "docs matter"}
    proposal = await make_proposal(kind="credit_policy", voters=[ann, bob], action=action)
    assert proposal.action == {
        "weights": {"code": "2.5", "doc": "3"},
        "default_weight": "1",
        "reason": "docs matter",
    }
    await vote(pool, proposal, ann, {"choice": "yes"})
    await expire(pool, proposal)
    closed = await close(pool, project, proposal.id)
    assert closed.effect == {"applied": True, "credit_policy_version": 2}
    policy = await current_policy(pool, project.id)
    assert (policy.version, policy.weights["doc"]) == (2, Decimal(3))
    body = await pool.fetchval(
        "SELECT body FROM journal_events WHERE project_id = $1 AND type = 'credit_policy.set' "
        "ORDER BY seq DESC LIMIT 1",
        project.id,
    )
    assert body["proposal_id"] == proposal.id
    assert await service.close_due(pool) == []
    assert (await current_policy(pool, project.id)).version == 2


async def test_a_failed_credit_policy_proposal_changes_nothing(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    (ann,) = await people(pool, "Ann")
    action = {"weights": {"doc": "3"}}
    proposal = await make_proposal(kind="credit_policy", voters=[ann], action=action)
    await vote(pool, proposal, ann, {"choice": "no"})
    await expire(pool, proposal)
    closed = await close(pool, project, proposal.id)
    assert (closed.outcome, closed.effect) == ("failed", None)
    assert (await current_policy(pool, project.id)).version == 1


@pytest.mark.parametrize(
    ("kind", "action", "field"),
    [
        ("credit_policy", {"weights": {"nonsense": "1"}}, "kind"),
        ("credit_policy", {"weights": {"doc": "-1"}}, "weights.doc"),
        (
            "expense",
            {"amount": "1.999", "currency": "EUR", "payee": "x", "purpose": "y"},
            "action.amount",
        ),
        ("expense", {"amount": "10", "currency": "eur", "payee": "x", "purpose": "y"}, "currency"),
        (
            "expense",
            {"amount": "10", "currency": "EUR", "payee": " ", "purpose": "y"},
            "action.payee",
        ),
        ("general", {"amount": "10"}, "action"),
        ("membership", {"contributor": 1, "role": "owner"}, "action.role"),
        ("membership", {"contributor": True, "role": "member"}, "action.contributor"),
    ],
)
async def test_actions_are_validated_when_the_proposal_is_created(
    pool: asyncpg.Pool, make_proposal: MakeProposal, kind: str, action: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await make_proposal(kind=kind, voters=[], action=action)
    assert caught.value.field == field


async def test_a_passed_expense_proposal_authorises_the_disbursement_in_the_treasury(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    (ann,) = await people(pool, "Ann")
    action = {"amount": "120.50", "currency": "EUR", "payee": "Print shop", "purpose": "Flyers"}
    proposal = await make_proposal(kind="expense", voters=[ann], action=action)
    await vote(pool, proposal, ann, {"choice": "yes"})
    await expire(pool, proposal)
    closed = await close(pool, project, proposal.id)
    assert closed.outcome == "passed"
    assert closed.effect is not None
    assert closed.effect["applied"] is True, closed.effect
    approval = await pool.fetchrow(
        "SELECT proposal_id, payee FROM treasury_approvals WHERE project_id = $1 AND id = $2",
        project.id,
        closed.effect["expense_authorization"],
    )
    assert (approval["proposal_id"], approval["payee"]) == (proposal.id, "Print shop")


async def test_a_passed_membership_proposal_puts_the_contributor_on_the_member_list(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    ann, bob = await people(pool, "Ann", "Bob")
    action = {"contributor": bob, "role": "member"}
    proposal = await make_proposal("consent", kind="membership", voters=[ann], action=action)
    await expire(pool, proposal)
    closed = await close(pool, project, proposal.id)
    assert (closed.outcome, closed.effect) == ("passed", {"applied": True, "changed": True})
    assert await voter_store.roles(pool, project.id) == {bob: "member"}
    later = await make_proposal(rule=Rule(members=True))
    assert await store.electors(pool, later) == [bob]
