"""The report's money against a hand-computed July: balances per fund and in the
reporting currency, spending with who approved it, corrections, outstanding pledges,
in-kind support, fees, runway, concentration per quarter and the share approved by
vote; each figure recomputes from the journal, and tampering with one is caught."""

from __future__ import annotations

import copy
import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from ledger.journal.keys import InstanceKeys
from ledger.kernel.money import Money
from ledger.register.projects import ProjectInput, create_project
from ledger.treasury import rates
from ledger.treasury.approvals import authorize_expense, set_policy
from ledger.treasury.expenses import record_expense
from ledger.treasury.in_kind import record_in_kind
from ledger.treasury.models import NewSponsorship, Policy, TermsInput
from ledger.treasury.movements import Fee, record_receipt, transfer
from ledger.treasury.refunds import refund
from ledger.treasury.reversals import reverse
from ledger.treasury.sponsoring import sponsor_once
from ledger.treasury.sponsors import record_sponsor
from reports import sections
from reports.build import sign_document, signed_report
from reports.period import parse_period
from reports.render.csv import render_csv
from reports.render.html import render_html
from reports.render.markdown import render_markdown
from reports.verify import verify_report

JULY = parse_period("2026-07")
COMMONS = TermsInput("Commons", "1", "No strings at all.", True, True, True, True, True)


def eur(text: str) -> Money:
    return Money(int(Decimal(text) * 100), "EUR")


async def _hosting(conn: asyncpg.Connection, pid: int, key: str, amount: str, on: date) -> int:
    tx, _ = await record_expense(
        conn, pid, key=key, money=eur(amount), payee="Hetzner", purpose="servers",
        evidence_url="https://example.org/i", approval_id=None, category="hosting",
        occurred_on=on, actor="t",
    )  # fmt: skip
    return tx.id


async def _seed(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("money", "Money"), "admin")
        pid = project.id
        policy = Policy(maintainer_approval=True, reporting_currency="EUR")
        await set_policy(conn, project, policy, "t")
        alpha, _ = await record_sponsor(
            conn, pid, organisation="Alpha", contributor_id=None, actor="t"
        )
        beta, _ = await record_sponsor(
            conn, pid, organisation="Beta", contributor_id=None, actor="t", anonymous=True
        )
        monthly = NewSponsorship(
            alpha.id, "recurring_pledge", eur("100"), None, date(2026, 6, 1), date(2026, 9, 30),
            "monthly", None,
        )  # fmt: skip
        await sponsor_once(conn, pid, key="s", data=monthly, terms=COMMONS,
                           non_commons_reason=None, pledge=True, actor="t")  # fmt: skip
        first, _ = await record_receipt(
            conn, pid, key="r1", sponsor_id=alpha.id, money=eur("1000"),
            occurred_on=date(2026, 6, 10), actor="t", fees=[Fee("processor", eur("30"), "Stripe")],
        )  # fmt: skip
        await record_receipt(conn, pid, key="r2", sponsor_id=beta.id,
                             money=Money(20_000, "USD"), occurred_on=date(2026, 6, 15), actor="t")  # fmt: skip
        await rates.record_rate(conn, pid, key="x", currency="USD", quote="EUR",
                                quoted_on=date(2026, 7, 1), rate=Decimal("0.9000"),
                                source="ECB", actor="t")  # fmt: skip
        await _hosting(conn, pid, "e1", "300", date(2026, 7, 5))
        voted = await authorize_expense(conn, pid, proposal_id=1, amount="120.00",
                                        currency="EUR", payee="Ada", purpose="travel",
                                        actor="governance")  # fmt: skip
        await record_expense(conn, pid, key="e2", money=eur("120"), payee="Ada",
                             purpose="travel", evidence_url="https://example.org/t",
                             approval_id=voted, category="travel",
                             occurred_on=date(2026, 7, 8), actor="t")  # fmt: skip
        twice = await _hosting(conn, pid, "e3", "50", date(2026, 7, 12))
        await reverse(conn, pid, key="v", transaction_id=twice,
                      occurred_on=date(2026, 7, 14), actor="t")  # fmt: skip
        await transfer(conn, pid, key="t", money=eur("200"), from_fund="main",
                       to_fund="reserve", occurred_on=date(2026, 7, 15), actor="t")  # fmt: skip
        await record_in_kind(conn, pid, key="k", sponsor_id=alpha.id, value=eur("400"),
                             category="ci_minutes", description="CI time",
                             occurred_on=date(2026, 7, 18), actor="t")  # fmt: skip
        await record_receipt(conn, pid, key="r3", sponsor_id=beta.id, money=eur("50"),
                             occurred_on=date(2026, 7, 20), actor="t",
                             fees=[Fee("host", eur("2.50"), "Host")])  # fmt: skip
        await refund(conn, pid, key="f", sponsor_id=alpha.id, money=eur("10"),
                     receipt_id=first.id, occurred_on=date(2026, 7, 25), actor="t")  # fmt: skip
        return pid


def _pick(rows: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(r[k] for k in keys) for r in rows]


async def test_the_money_of_july_matches_hand_arithmetic(pool: asyncpg.Pool) -> None:
    pid = await _seed(pool)
    async with pool.acquire() as conn:
        f = await sections.funding(conn, pid, JULY)
    assert _pick(f["balances"], "fund", "currency", "start", "end") == [
        (
            "main",
            "EUR",
            "970.00",
            "387.50",
        ),  # 1000 - 30 fee; - 300 - 120 - 50 + 50 - 200 + 50 - 2.50 - 10
        ("reserve", "EUR", "0.00", "200.00"),
        ("main", "USD", "200.00", "200.00"),
    ]
    assert f["reporting"] == {
        "currency": "EUR", "as_of": "2026-07-31",
        "rates": [{"currency": "USD", "rate": "0.9000", "quoted_on": "2026-07-01", "source": "ECB"}],
        "unvalued": [], "start_minor": "115000", "start": "1150.00",
        "end_minor": "76750", "end": "767.50",
    }  # fmt: skip
    assert _pick(f["spending"], "payee", "amount", "approved_by", "proposal_id", "approver") == [
        ("Hetzner", "300.00", "maintainer", None, "t"),
        ("Ada", "120.00", "vote", 1, "proposal:1"),
        ("Hetzner", "50.00", "maintainer", None, "t"),
    ]
    reversal = f["corrections"]["reversals"][0]
    assert f["spending"][2]["reversed_by"] == reversal["transaction_id"]
    assert (reversal["reverses"], reversal["reverses_kind"]) == (
        f["spending"][2]["transaction_id"],
        "expense",
    )
    june = await pool.fetchval(
        "SELECT id FROM treasury_transactions WHERE kind = 'receipt' AND occurred_on = $1",
        date(2026, 6, 10),
    )
    assert _pick(f["corrections"]["refunds"], "sponsor_id", "amount", "refund_of") == [
        (1, "10.00", june)
    ]
    assert _pick(f["pledges"]["outstanding"], "installment", "due_on", "open", "overdue") == [
        (2, "2026-07-01", "100.00", True)  # the June receipt settled installment 1 only
    ]
    assert f["pledges"]["totals"] == [
        {"currency": "EUR", "open_minor": "10000", "open": "100.00",
         "overdue_minor": "10000", "overdue": "100.00"}
    ]  # fmt: skip
    assert _pick(f["in_kind"], "sponsor_id", "category", "value") == [(1, "ci_minutes", "400.00")]
    assert f["fees"] == [
        {"currency": "EUR", "gross_minor": "5000", "gross": "50.00",
         "processor_fees_minor": "0", "processor_fees": "0.00",
         "host_fees_minor": "250", "host_fees": "2.50", "net_minor": "4750", "net": "47.50"}
    ]  # fmt: skip
    runway = f["runway"]
    assert (runway["since"], runway["months"]) == ("2026-06-01", 2)
    # spent: 300 + 120 + 50 - 50 expenses, 30 + 2.50 fees = 452.50 over two months
    assert _pick(runway["by_currency"], "currency", "balance", "spent", "months_of_spending") == [
        ("EUR", "587.50", "452.50", "2.6"),
        ("USD", "200.00", "0.00", None),
    ]
    assert runway["reporting"]["months_of_spending"] == "3.4"  # 767.50 * 2 / 452.50
    assert _pick(f["concentration"], "quarter", "currency", "total", "funding_elephant_factor") == [
        ("2026-Q2", "EUR", "1000.00", 1),
        ("2026-Q2", "USD", "200.00", 1),
        ("2026-Q3", "EUR", "40.00", 1),
    ]
    vote = f["approved_by_vote"]
    assert (vote["expenses"], vote["by_vote"], vote["share"]) == (2, 1, "0.5000")
    assert _pick(vote["by_currency"], "spent", "by_vote", "share") == [
        ("420.00", "120.00", "0.2857")
    ]
    assert {s["sponsor_id"]: s["name"] for s in f["sponsor_names"]} == {1: "Alpha", 2: "anonymous"}


@pytest.fixture
async def signed(pool: asyncpg.Pool) -> tuple[dict[str, Any], InstanceKeys]:
    await _seed(pool)
    ring = InstanceKeys.generate()
    return await signed_report(pool, "money", "2026-07", ring), ring


async def test_every_money_figure_recomputes_from_the_journal(
    signed: tuple[dict[str, Any], InstanceKeys],
) -> None:
    report, ring = signed
    verdict = verify_report(report, ring.jwks())
    assert [c for c in verdict.checks if not c[1]] == []
    names = {name for name, _, _ in verdict.checks}
    assert {f"figure funding.{k}" for k in ("balances", "spending", "pledges", "in_kind",
                                             "fees", "runway", "concentration")} <= names  # fmt: skip
    page, text = render_html(report["report"]), render_markdown(report["report"])
    for caption in ("Spending: every expense", "Outstanding pledges", "In-kind support",
                    "gross and net of fees", "Runway"):  # fmt: skip
        assert caption in page
        assert caption in text
    assert "vote: proposal #1" in text
    assert "Beta" not in page


@pytest.mark.parametrize(
    ("figure", "tamper"),
    [
        ("runway", lambda f: f["runway"]["by_currency"][0].update(months_of_spending="26.0")),
        ("spending", lambda f: f["spending"][1].update(approved_by="maintainer")),
        ("pledges", lambda f: f["pledges"]["outstanding"][0].update(overdue=False)),
        ("balances", lambda f: f["balances"][0].update(end="999.50")),
        ("in_kind", lambda f: f["in_kind"].clear()),
    ],
)
async def test_a_forged_money_figure_fails_even_when_re_signed(
    signed: tuple[dict[str, Any], InstanceKeys], figure: str, tamper: Any
) -> None:
    report, ring = signed
    forged = copy.deepcopy(report["report"])
    tamper(forged["funding"])
    checks = verify_report(sign_document(forged, ring), ring.jwks()).checks
    failed = [name for name, ok, _ in checks if not ok]
    assert failed
    assert all(name.startswith(f"figure funding.{figure}") for name in failed), failed


async def test_the_funding_csv_lists_each_fund_leg_with_fees_in_kind_and_approvals(
    pool: asyncpg.Pool,
) -> None:
    pid = await _seed(pool)
    async with pool.acquire() as conn:
        text = (await render_csv(conn, pid, JULY, "funding")).decode()
    keys = ("kind", "fund", "treasury_change_minor", "fund_balance_minor", "in_kind_value_minor",
            "fee_minor", "sponsor", "approved_by", "proposal_id")  # fmt: skip
    rows = [tuple(r[k] for k in keys) for r in csv.DictReader(io.StringIO(text))]
    assert rows == [
        ("pledge", "", "0", "", "", "", "Alpha", "", ""),  # installment 2, due 07-01
        ("expense", "main", "-30000", "67000", "", "", "", "maintainer", ""),
        ("expense", "main", "-12000", "55000", "", "", "", "proposal", "1"),
        ("expense", "main", "-5000", "50000", "", "", "", "maintainer", ""),
        ("reversal", "main", "5000", "55000", "", "", "", "", ""),
        ("transfer", "main", "-20000", "35000", "", "", "", "", ""),
        ("transfer", "reserve", "20000", "20000", "", "", "", "", ""),
        ("in_kind", "", "0", "", "40000", "", "Alpha", "", ""),
        ("receipt", "main", "5000", "40000", "", "", "anonymous", "", ""),
        ("fee", "main", "-250", "39750", "", "250", "", "", ""),
        ("refund", "main", "-1000", "38750", "", "", "Alpha", "", ""),
    ]
