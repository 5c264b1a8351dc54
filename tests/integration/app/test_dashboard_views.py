"""Each dashboard view is one request, and its aggregates agree with the facts they
summarise (the contributions, the ballots, the books)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.demo import seed_demo
from governance.voter_store import set_delegation
from ledger.register.credit import explain


async def _view(client: AsyncTestClient[Litestar], name: str, **variables: Any) -> Any:
    response = await client.get(
        f"/graphql/persisted/{name}", params={"variables": json.dumps(variables)}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["project"]


async def test_the_overview_answers_in_one_request_from_the_rollups(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    await seed_demo(pool, contributors=40, contributions=400)
    project = await _view(client, "ProjectOverview", slug="aurora")
    months = project["months"]
    counted = await pool.fetchval(
        "SELECT count(*) FROM contributions c JOIN projects p ON "
        "p.id = c.project_id WHERE p.slug = 'aurora' AND c.counted"
    )
    assert sum(m["contributions"] for m in months) == project["totals"]["contributions"] == counted
    assert sum(Decimal(m["credit"]) for m in months) == Decimal(project["totals"]["credit"])
    per_month = await pool.fetch(
        "SELECT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS m,"
        " count(DISTINCT contributor_id) AS n FROM contributions WHERE counted"
        " AND project_id = (SELECT id FROM projects WHERE slug = 'aurora') GROUP BY 1 ORDER BY 1"
    )
    assert [(m["month"], m["contributors"]) for m in months] == [
        (r["m"].isoformat(), r["n"]) for r in per_month
    ]
    assert len(project["contributors"]["nodes"]) == 10
    assert "[bot]" not in json.dumps(project["contributions"])
    assert [p["title"] for p in project["proposals"]["nodes"]] == [
        "Adopt a review checklist for plugins"
    ]


async def test_a_contributor_profile_is_one_request_that_adds_up(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    await seed_demo(pool, contributors=40, contributions=400)
    top = await _view(client, "ProjectOverview", slug="aurora")
    leader = top["contributors"]["nodes"][0]
    second = top["contributors"]["nodes"][1]["contributor"]["number"]
    number = leader["contributor"]["number"]
    project_id = await pool.fetchval("SELECT id FROM projects WHERE slug = 'aurora'")
    async with pool.acquire() as conn:
        await set_delegation(conn, project_id, second, "*", number)
    project = await _view(client, "ContributorProfile", slug="aurora", contributor=str(number))
    profile = project["contributorProfile"]
    standing = profile["standing"]
    assert (standing["rank"], standing["rankedAmong"]) == (1, top["totals"]["contributors"])
    assert standing["credit"] == leader["credit"]
    lines = standing["creditExplanation"]
    assert sum(Decimal(line["credit"]) for line in lines) == Decimal(standing["credit"])
    for line in lines:
        assert Decimal(line["weight"]) * line["contributions"] == Decimal(line["credit"])
        assert line["explanation"] == explain(
            line["contributions"], line["kind"], Decimal(line["weight"]), line["policyVersion"]
        )
    cells = standing["byKindAndMonth"]
    assert sum(c["contributions"] for c in cells) == standing["contributions"]
    rows = await pool.fetchval(
        "SELECT count(*) FROM contributions WHERE contributor_id = $1 AND counted", number
    )
    assert standing["contributions"] == rows
    coverage = profile["coverage"]
    assert coverage["contributions"] == rows
    assert coverage["covered"] + coverage["uncovered"] == rows
    public = await pool.fetchval(
        "SELECT count(*) FROM ballots b JOIN proposals p"
        " ON p.project_id = b.project_id AND p.id = b.proposal_id"
        " WHERE b.voter_id = $1 AND NOT p.secret",
        number,
    )
    assert profile["ballots"]["totalCount"] == public > 0
    assert profile["delegations"] == {
        "given": [],
        "received": [{"delegator": second, "kind": None}],
    }
    assert [c["occurredAt"] for c in project["contributions"]["nodes"]] == sorted(
        (c["occurredAt"] for c in project["contributions"]["nodes"]), reverse=True
    )
    nobody = await _view(client, "ContributorProfile", slug="aurora", contributor="999999")
    assert nobody["contributorProfile"] is None


async def test_the_funding_view_totals_the_books_at_stated_rates(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    await seed_demo(pool, contributors=40, contributions=400)
    project = await _view(
        client,
        "ProjectFunding",
        slug="aurora",
        reportingCurrency="EUR",
        rates=[{"currency": "USD", "rate": "0.9"}],
        period="YEAR",
    )
    funding = project["funding"]
    funds = [b for b in project["treasury"]["balances"] if b["kind"] == "treasury"]
    held = {m["currency"]: Decimal(m["amount"]) for m in funding["held"]}
    for currency in held:
        assert held[currency] == sum(
            Decimal(b["balance"]["amount"]) for b in funds if b["currency"] == currency
        )
    expected = held.get("EUR", Decimal(0)) + held.get("USD", Decimal(0)) * Decimal("0.9")
    assert funding["reporting"]["total"] == {"amount": f"{expected:.2f}", "currency": "EUR"}
    assert funding["reporting"]["rates"] == [{"currency": "USD", "rate": "0.9"}]
    assert funding["reporting"]["unconverted"] == []
    received: dict[str, Decimal] = {}
    for r in funding["received"]:
        received[r["amount"]["currency"]] = received.get(
            r["amount"]["currency"], Decimal(0)
        ) + Decimal(r["amount"]["amount"])
    receipts = await pool.fetch(
        "SELECT a.currency, sum(e.amount) AS minor FROM treasury_entries e"
        " JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id"
        " JOIN treasury_transactions t ON t.project_id = e.project_id AND t.id = e.transaction_id"
        " WHERE a.kind = 'treasury' AND t.sponsor_id IS NOT NULL GROUP BY 1"
    )
    assert received == {r["currency"]: Decimal(r["minor"]) / 100 for r in receipts}
    pledges = await pool.fetchval(
        "SELECT count(*) FROM treasury_accounts WHERE kind = 'receivable' AND balance > 0"
    )
    assert len(funding["outstandingPledges"]) == pledges
    unstated = await _view(client, "ProjectFunding", slug="aurora", reportingCurrency="JPY")
    assert sorted(unstated["funding"]["reporting"]["unconverted"]) == sorted(held)
    bad = await client.get(
        "/graphql/persisted/ProjectFunding",
        params={
            "variables": json.dumps(
                {
                    "slug": "aurora",
                    "reportingCurrency": "EUR",
                    "rates": [{"currency": "USD", "rate": "-1"}],
                }
            )
        },
    )
    assert bad.json()["errors"][0]["extensions"] == {"code": "invalid_input"}


async def test_the_decisions_and_licensing_views_answer_in_one_request(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    await seed_demo(pool, contributors=40, contributions=400)
    decisions = await _view(client, "ProjectDecisions", slug="aurora")
    assert decisions["open"]["totalCount"] == 1
    assert decisions["decided"]["totalCount"] == 6
    assert all(p["tally"]["turnout"] > 0 for p in decisions["decided"]["nodes"])
    licensing = await _view(client, "ProjectLicensing", slug="aurora")
    coverage = licensing["coverage"]
    counted = await pool.fetchval(
        "SELECT count(*) FROM contributions c JOIN projects p ON "
        "p.id = c.project_id WHERE p.slug = 'aurora' AND c.counted"
    )
    assert coverage["total"] == counted
    assert coverage["covered"] + coverage["uncovered"] == counted
    assert licensing["grants"]["totalCount"] > 0
    assert {a["instrument"] for a in licensing["agreementTexts"]} >= {"DCO"}
