from __future__ import annotations

import asyncio

import asyncpg
import pytest

from ledger.kernel.errors import Conflict
from ledger.register.models import Project
from ledger.treasury import expenses as treasury_expenses
from ledger.treasury.approvals import authorize_expense
from ledger.treasury.models import PolicyBreach
from tests.integration.ledger.treasury.helpers import eur, receive, sponsor


async def test_one_approval_pays_one_expense_even_when_used_concurrently(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        await receive(conn, project.id, sid, eur("1000"), "r")
        approval = await authorize_expense(
            conn,
            project.id,
            proposal_id=9,
            amount="100",
            currency="EUR",
            payee="Ada",
            purpose="release engineering",
            actor="governance",
        )

    async def spend(key: str) -> str:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await treasury_expenses.record_expense(
                    conn,
                    project.id,
                    key=key,
                    money=eur("100"),
                    payee="Ada",
                    purpose="release engineering",
                    evidence_url="https://example.org/receipts/9",
                    approval_id=approval,
                    actor="alice",
                )
        except PolicyBreach as exc:
            return exc.code
        return "paid"

    outcomes = await asyncio.gather(*(spend(f"e{i}") for i in range(4)))
    async with pool.acquire() as conn:
        spent = await conn.fetchval(
            "SELECT balance FROM treasury_accounts WHERE kind = 'expense' AND project_id = $1",
            project.id,
        )
    assert sorted(outcomes) == ["approval_used", "approval_used", "approval_used", "paid"]
    assert spent == 10000


async def test_a_proposal_authorises_one_expense_and_a_different_one_is_a_conflict(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        first = await _authorize(conn, project.id, "5")
        again = await _authorize(conn, project.id, "5.00")
        events = await conn.fetchval(
            "SELECT count(*) FROM journal_events WHERE type = 'treasury.expense_authorized'"
        )
    async with pool.acquire() as conn:
        with pytest.raises(Conflict, match="proposal 3 already authorised a different expense"):
            await _authorize(conn, project.id, "6")
    assert (again, events) == (first, 1)


async def _authorize(conn: asyncpg.Connection, project_id: int, amount: str) -> int:
    return await authorize_expense(
        conn,
        project_id,
        proposal_id=3,
        amount=amount,
        currency="EUR",
        payee="Ada",
        purpose="docs",
        actor="governance",
    )
