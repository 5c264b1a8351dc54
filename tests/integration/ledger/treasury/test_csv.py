from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import asyncpg
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app import database
from app.cli import main
from ledger.kernel.money import parse_amount
from ledger.register.models import Project
from ledger.register.projects import ProjectInput, create_project
from ledger.treasury import expenses as treasury_expenses
from ledger.treasury import movements as treasury_moves
from ledger.treasury.approvals import set_policy
from ledger.treasury.in_kind import record_in_kind
from ledger.treasury.models import Policy
from tests.integration.ledger.treasury.helpers import eur, receive, sponsor

# (transaction, kind, currency, treasury_change, running_balance, sponsor_name, payee)
EXPECTED = [
    ["1", "receipt", "EUR", "100.00", "100.00", "IBM", ""],
    ["2", "receipt", "JPY", "5000", "5000", "IBM", ""],
    ["3", "pledge", "EUR", "0.00", "100.00", "'=HYPERLINK(1)", ""],
    ["4", "expense", "EUR", "-30.25", "69.75", "", "Ada"],
    ["5", "conversion", "EUR", "-50.00", "19.75", "", ""],
    ["5", "conversion", "JPY", "8062", "13062", "", ""],
]


async def _seed(conn: asyncpg.Connection, project: Project) -> None:
    await set_policy(conn, project, Policy(maintainer_approval=True), "alice")
    ibm = await sponsor(conn, project.id, "IBM")
    odd = await sponsor(conn, project.id, "=HYPERLINK(1)")
    await receive(conn, project.id, ibm, eur("100"), "r1")
    await receive(conn, project.id, ibm, parse_amount("5000", "JPY"), "r2")
    await treasury_moves.record_pledge(
        conn,
        project.id,
        key="p",
        sponsor_id=odd,
        money=eur("1"),
        memo="two\r\nlines",
        actor="alice",
    )
    await treasury_expenses.record_expense(
        conn,
        project.id,
        key="e",
        money=eur("30.25"),
        payee="Ada",
        purpose="docs",
        evidence_url="https://example.org/i/1",
        approval_id=None,
        actor="alice",
    )
    await treasury_moves.convert_currency(
        conn,
        project.id,
        key="c",
        money=eur("50"),
        to_currency="JPY",
        fx_rate=Decimal("161.234"),
        fx_source="ECB",
        fx_date=date(2026, 1, 2),
        actor="alice",
    )


def _rows(text: str) -> list[list[str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    keys = ("transaction", "kind", "currency", "treasury_change", "running_balance")
    return [[*(r[k] for k in keys), r["sponsor_name"], r["payee"]] for r in rows]


async def test_the_csv_route_streams_transactions_with_a_running_balance_per_currency(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("linux", "Linux"), "admin")
        await _seed(conn, project)
    response = await client.get("/projects/linux/transactions.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.splitlines()[0].startswith("transaction,occurred_on,recorded_at,kind")
    assert _rows(response.text) == EXPECTED


async def test_the_csv_route_refuses_unknown_projects_and_inverted_ranges(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await create_project(conn, ProjectInput("linux", "Linux"), "admin")
    missing = await client.get("/projects/nope/transactions.csv")
    inverted = await client.get(
        "/projects/linux/transactions.csv", params={"since": "2026-02-01", "until": "2026-01-01"}
    )
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": "not_found", "message": "no project 'nope'"},
    )
    assert (inverted.status_code, inverted.json()) == (
        400,
        {"error": "invalid_input", "message": "since is after until", "field": "since"},
    )


def test_commons_export_transactions_writes_the_same_csv_to_a_file(
    database_url: str, tmp_path: Path
) -> None:
    async def seed() -> None:
        conn = await database.connect(database_url)
        try:
            async with conn.transaction():
                project = await create_project(conn, ProjectInput("linux", "Linux"), "admin")
                await _seed(conn, project)
        finally:
            await conn.close()

    asyncio.run(seed())
    target = tmp_path / "tx.csv"
    result = CliRunner().invoke(
        main,
        ["export", "transactions", "--project", "linux", "-o", str(target)],
        env={"DATABASE_URL": database_url},
    )
    assert (result.exit_code, result.output) == (0, "exported 6 rows\n")
    assert _rows(target.read_text()) == EXPECTED


async def test_each_fund_a_transaction_touches_is_its_own_row_with_that_funds_balance(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("linux", "Linux"), "admin")
        ibm = await sponsor(conn, project.id, "IBM")
        fee = treasury_moves.Fee("processor", eur("2.90"), "Stripe")
        await treasury_moves.record_receipt(
            conn, project.id, key="r", sponsor_id=ibm, money=eur("100"), fees=[fee], actor="a"
        )
        await treasury_moves.transfer(
            conn,
            project.id,
            key="t",
            money=eur("40"),
            from_fund="main",
            to_fund="reserve",
            actor="a",
        )
        await record_in_kind(
            conn,
            project.id,
            key="k",
            sponsor_id=ibm,
            value=eur("250"),
            category="hosting",
            description="a build server",
            actor="a",
        )
    response = await client.get("/projects/linux/transactions.csv")
    keys = ("transaction", "kind", "fund", "treasury_change", "fund_balance", "running_balance",
            "in_kind_value")  # fmt: skip
    rows = [
        [r[k] for k in keys] + [r["fee_of"]] for r in csv.DictReader(io.StringIO(response.text))
    ]
    assert rows == [
        ["1", "receipt", "main", "100.00", "100.00", "100.00", "", ""],
        ["2", "fee", "main", "-2.90", "97.10", "97.10", "", "1"],
        ["3", "transfer", "main", "-40.00", "57.10", "57.10", "", ""],
        ["3", "transfer", "reserve", "40.00", "40.00", "97.10", "", ""],
        ["4", "in_kind", "", "0.00", "", "97.10", "250.00", ""],  # never money held
    ]
