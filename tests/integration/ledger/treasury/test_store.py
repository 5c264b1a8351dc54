from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from decimal import Decimal

import asyncpg
import pytest

from ledger.kernel.errors import IdempotencyMismatch, InvalidInput, NotFound
from ledger.register.models import Project
from ledger.treasury import expenses as treasury_expenses
from ledger.treasury import movements as treasury_moves
from ledger.treasury import refunds as treasury_refunds
from ledger.treasury import reversals as treasury_reversals
from ledger.treasury.approvals import authorize_expense, policy_of, set_policy
from ledger.treasury.models import NewSponsorship, NonCommonsTerms, Policy, PolicyBreach
from ledger.treasury.queries import integrity
from ledger.treasury.sponsors import list_sponsorships, record_sponsorship
from tests.integration.ledger.treasury.helpers import (
    COMMONS_TERMS,
    balance_map,
    eur,
    receive,
    sponsor,
    sponsorship,
)


async def _expense(
    conn: asyncpg.Connection, project_id: int, amount: str, approval: int | None, key: str
) -> int:
    tx, _ = await treasury_expenses.record_expense(
        conn,
        project_id,
        key=key,
        money=eur(amount),
        payee="Ada",
        purpose="documentation sprint",
        evidence_url="https://example.org/invoice/1",
        approval_id=approval,
        actor="alice",
    )
    return tx.id


async def test_a_pledge_then_receipt_settles_the_pledge_and_fills_the_treasury(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        found, terms = await sponsorship(conn, project.id, sid, eur("100"))
        await treasury_moves.record_pledge(
            conn,
            project.id,
            key="p1",
            sponsor_id=sid,
            money=eur("100"),
            sponsorship_id=found.id,
            actor="alice",
        )
        await receive(conn, project.id, sid, eur("130"), "r1")
        books = await balance_map(conn, project.id)
    name = str(sid)
    assert books == {
        ("treasury", "main", "EUR"): 13000,
        ("receivable", name, "EUR"): 0,
        ("income", name, "EUR"): -13000,
    }
    assert terms.terms.digest.hex() == COMMONS_TERMS.digest.hex()
    async with pool.acquire() as conn:
        check = await integrity(conn, project.id)
    assert (check.ok, check.transactions) == (True, 2)


async def test_terms_claiming_exclusivity_are_refused_unless_recorded_as_non_commons(
    pool: asyncpg.Pool, project: Project
) -> None:
    exclusive = replace(
        COMMONS_TERMS,
        title="Exclusive deal",
        body="The sponsor gets an exclusive license.",
        no_exclusive_license=False,
    )
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        data = NewSponsorship(sid, "one_off", eur("5000"), None, None, None, None, None)
        with pytest.raises(NonCommonsTerms, match="no_exclusive_license"):
            await record_sponsorship(
                conn, project.id, data, exclusive, non_commons_reason=None, actor="alice"
            )
        recorded, terms = await record_sponsorship(
            conn,
            project.id,
            data,
            exclusive,
            non_commons_reason="legacy contract, disclosed",
            actor="alice",
        )
        listed = await list_sponsorships(conn, project.id)
    assert (recorded.non_commons, terms.commons, [s.id for s in listed]) == (
        True,
        False,
        [recorded.id],
    )


async def test_an_expense_needs_an_approval_of_enough_money(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        await receive(conn, project.id, sid, eur("500"), "r1")
        with pytest.raises(PolicyBreach) as required:
            async with conn.transaction():
                await _expense(conn, project.id, "10", None, "e0")
        approval = await authorize_expense(
            conn,
            project.id,
            proposal_id=41,
            amount="120.00",
            currency="EUR",
            payee="Ada",
            purpose="documentation sprint",
            actor="governance",
        )
        again = await authorize_expense(
            conn,
            project.id,
            proposal_id=41,
            amount="120.00",
            currency="EUR",
            payee="Ada",
            purpose="documentation sprint",
            actor="governance",
        )
        with pytest.raises(PolicyBreach) as exceeded:
            async with conn.transaction():
                await _expense(conn, project.id, "120.01", approval, "e1")
        with pytest.raises(NotFound):
            async with conn.transaction():
                await _expense(conn, project.id, "1", 999, "e2")
        await _expense(conn, project.id, "119.99", approval, "e3")
        with pytest.raises(PolicyBreach) as used:
            async with conn.transaction():
                await _expense(conn, project.id, "1", approval, "e4")
        books = await balance_map(conn, project.id)
    codes = (required.value.code, exceeded.value.code, used.value.code)
    assert codes == ("approval_required", "approval_exceeded", "approval_used")
    assert approval == again
    assert books[("treasury", "main", "EUR")] == 50000 - 11999
    assert books[("expense", "general", "EUR")] == 11999


async def test_a_maintainer_approves_where_the_policy_allows_and_overdraft_is_refused(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await set_policy(conn, project, Policy(maintainer_approval=True), "alice")
        sid = await sponsor(conn, project.id)
        await receive(conn, project.id, sid, eur("50"), "r1")
        await _expense(conn, project.id, "30", None, "e1")
        with pytest.raises(PolicyBreach) as overdraft:
            async with conn.transaction():
                await _expense(conn, project.id, "20.01", None, "e2")
        assert await policy_of(conn, project.id) == Policy(maintainer_approval=True)
    assert overdraft.value.code == "overdraft"


async def test_a_key_replayed_with_the_same_input_returns_the_first_transaction(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        first = await receive(conn, project.id, sid, eur("10"), "same")
        second = await receive(conn, project.id, sid, eur("10"), "same")
        with pytest.raises(IdempotencyMismatch):
            await receive(conn, project.id, sid, eur("11"), "same")
    assert first == second


async def test_reversal_posts_the_opposite_once_and_respects_the_overdraft_policy(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        receipt = await receive(conn, project.id, sid, eur("10"), "r1")
        moved, _ = await treasury_moves.transfer(
            conn,
            project.id,
            key="t1",
            money=eur("4"),
            from_fund="main",
            to_fund="reserve",
            actor="alice",
        )
        with pytest.raises(PolicyBreach) as overdraft:
            async with conn.transaction():
                await treasury_reversals.reverse(
                    conn, project.id, key="x1", transaction_id=receipt, actor="alice"
                )
        back, _ = await treasury_reversals.reverse(
            conn, project.id, key="x2", transaction_id=moved.id, actor="alice"
        )
        with pytest.raises(PolicyBreach) as twice:
            async with conn.transaction():
                await treasury_reversals.reverse(
                    conn, project.id, key="x3", transaction_id=moved.id, actor="alice"
                )
        books = await balance_map(conn, project.id)
    assert (overdraft.value.code, twice.value.code) == ("overdraft", "already_reversed")
    assert [(e.account_name, e.amount.minor) for e in back.entries] == [
        ("reserve", -400),
        ("main", 400),
    ]
    assert books[("treasury", "main", "EUR")] == 1000


async def test_a_conversion_books_both_currencies_through_the_trading_account(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        await receive(conn, project.id, sid, eur("100"), "r1")
        tx, _ = await treasury_moves.convert_currency(
            conn,
            project.id,
            key="c1",
            money=eur("100"),
            to_currency="JPY",
            fx_rate=Decimal("161.2345"),
            fx_source="ECB reference rate",
            fx_date=date(2026, 1, 2),
            actor="alice",
        )
        books = await balance_map(conn, project.id)
    assert tx.movement.fx_rate == Decimal("161.2345")
    assert books[("treasury", "main", "EUR")] == 0
    assert books[("treasury", "main", "JPY")] == 16123
    assert (books[("exchange", "fx", "EUR")], books[("exchange", "fx", "JPY")]) == (10000, -16123)


async def test_a_refund_beyond_what_the_sponsor_paid_is_refused(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        ibm = await sponsor(conn, project.id, "IBM")
        red_hat = await sponsor(conn, project.id, "Red Hat")
        await receive(conn, project.id, ibm, eur("10"), "r1")
        await receive(conn, project.id, red_hat, eur("90"), "r2")
        with pytest.raises(PolicyBreach) as refused:
            async with conn.transaction():
                await treasury_refunds.refund(
                    conn, project.id, key="f1", sponsor_id=ibm, money=eur("10.01"), actor="a"
                )
        await treasury_refunds.refund(
            conn, project.id, key="f2", sponsor_id=ibm, money=eur("10"), actor="a"
        )
    assert refused.value.code == "refund_exceeds_receipts"


async def test_posted_entries_cannot_be_changed_or_deleted(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        await receive(conn, project.id, sid, eur("10"), "r1")
    async with pool.acquire() as conn:
        for statement in (
            "UPDATE treasury_entries SET amount = amount * 2",
            "DELETE FROM treasury_entries",
            "DELETE FROM treasury_transactions",
            "UPDATE treasury_transactions SET memo = 'x'",
            "TRUNCATE treasury_entries CASCADE",
        ):
            with pytest.raises(asyncpg.RestrictViolationError, match="append-only"):
                await conn.execute(statement)


async def _post_unbalanced(conn: asyncpg.Connection, project_id: int, account: int) -> None:
    async with conn.transaction():
        tx = await conn.fetchval(
            "INSERT INTO treasury_transactions (project_id, kind, occurred_on, actor) "
            "VALUES ($1, 'transfer', current_date, 'mallory') RETURNING id",
            project_id,
        )
        await conn.execute(
            "INSERT INTO treasury_entries VALUES ($1, $2, 1, $3, 'EUR', 100), "
            "($1, $2, 2, $3, 'EUR', -99)",
            project_id,
            tx,
            account,
        )


async def test_the_database_refuses_a_transaction_that_does_not_balance_at_commit(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        await receive(conn, project.id, sid, eur("10"), "r1")
    async with pool.acquire() as conn:
        account = await conn.fetchval(
            "SELECT id FROM treasury_accounts WHERE kind = 'treasury' AND project_id = $1",
            project.id,
        )
        with pytest.raises(asyncpg.CheckViolationError, match="does not balance in EUR"):
            await _post_unbalanced(conn, project.id, account)
        with pytest.raises(asyncpg.CheckViolationError, match="has 0 entries"):
            await conn.execute(
                "INSERT INTO treasury_transactions (project_id, kind, occurred_on, actor) "
                "VALUES ($1, 'transfer', current_date, 'mallory')",
                project.id,
            )


async def test_concurrent_expenses_that_together_overdraw_leave_one_refused(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await set_policy(conn, project, Policy(maintainer_approval=True), "alice")
        sid = await sponsor(conn, project.id)
        await receive(conn, project.id, sid, eur("100"), "r1")

    async def spend(key: str) -> str:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await _expense(conn, project.id, "60", None, key)
        except PolicyBreach as exc:
            return exc.code
        return "paid"

    outcomes = await asyncio.gather(*(spend(f"e{i}") for i in range(4)))
    async with pool.acquire() as conn:
        books = await balance_map(conn, project.id)
    assert sorted(outcomes) == ["overdraft", "overdraft", "overdraft", "paid"]
    assert books[("treasury", "main", "EUR")] == 4000


async def test_the_same_key_sent_concurrently_makes_exactly_one_receipt(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)

    async def pay() -> int:
        async with pool.acquire() as conn, conn.transaction():
            return await receive(conn, project.id, sid, eur("25"), "once")

    ids = await asyncio.gather(*(pay() for _ in range(5)))
    async with pool.acquire() as conn:
        books = await balance_map(conn, project.id)
        count = await conn.fetchval("SELECT count(*) FROM treasury_transactions")
    assert (len(set(ids)), count, books[("treasury", "main", "EUR")]) == (1, 1, 2500)


async def test_bad_inputs_are_refused_before_anything_is_written(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        with pytest.raises(InvalidInput) as fund:
            await treasury_moves.record_receipt(
                conn,
                project.id,
                key="k",
                sponsor_id=sid,
                money=eur("1"),
                fund="Main!",
                actor="a",
            )
    assert fund.value.field == "fund"


async def test_reversing_a_receipt_whose_money_was_refunded_is_refused_despite_open_pledges(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await set_policy(conn, project, Policy(allow_overdraft=True), "alice")
        sid = await sponsor(conn, project.id)
        first = await receive(conn, project.id, sid, eur("9.90"), "r1")
        await treasury_moves.record_pledge(
            conn, project.id, key="p", sponsor_id=sid, money=eur("13.72"), actor="alice"
        )
        await receive(conn, project.id, sid, eur("0.01"), "r2")
        await treasury_refunds.refund(
            conn, project.id, key="f", sponsor_id=sid, money=eur("4.92"), actor="alice"
        )
        with pytest.raises(PolicyBreach) as refused:
            async with conn.transaction():
                await treasury_reversals.reverse(
                    conn, project.id, key="x", transaction_id=first, actor="alice"
                )
    assert refused.value.code == "refund_exceeds_receipts"
