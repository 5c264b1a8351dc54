"""The treasurer's tools have global ids that ``node`` and ``nodes`` resolve, as their
lists show them: recurring and outstanding pledges, funding goals (of the project and
of a fund), budgets, stated exchange rates, and expense claims, which stay invisible
through ``node`` to anyone but the project's members."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app.runtime import Runtime
from ledger.graphql import global_id
from ledger.treasury.schedule import add_months
from tests.conftest import GraphQL

TERMS = {
    "title": "Commons Sponsorship Terms",
    "version": "1.0",
    "text": "We fund the work; we own nothing, restrict nothing, steer nothing, buy no votes.",
    "noOwnership": True,
    "noExclusiveLicense": True,
    "noAccessRestriction": True,
    "noRoadmapControl": True,
    "noVotesBought": True,
}
SETUP = """
mutation($sponsorship: RecordSponsorshipInput!, $goal: SetFundingGoalInput!,
         $fundGoal: SetFundingGoalInput!, $budget: SetBudgetInput!,
         $rate: RecordExchangeRateInput!, $claim: SubmitExpenseInput!) {
  recordSponsorship(input: $sponsorship) { __typename }
  setFundingGoal(input: $goal) { __typename }
  fundGoal: setFundingGoal(input: $fundGoal) { __typename }
  setBudget(input: $budget) { __typename }
  recordExchangeRate(input: $rate) { __typename }
  submitExpense(input: $claim) { __typename }
}"""
SHOWN = """
pledges { id transaction } recurringPledges { id sponsorship } goals { id title fund }
budgets { id category } exchangeRates { id currency rate }
"""
LISTS = f'query {{ treasury(project: "linux") {{ {SHOWN} }} }}'
CLAIMS = 'query { treasury(project: "linux") { expenseClaims { nodes { id number payee } } } }'
NODES = """
query($ids: [ID!]!) { nodes(ids: $ids) {
  __typename
  ... on OutstandingPledge { id transaction }
  ... on RecurringPledge { id sponsorship }
  ... on FundingGoal { id title fund }
  ... on Budget { id category }
  ... on ExchangeRate { id currency rate }
  ... on ExpenseClaim { id number payee }
} }"""
NODE = "query($id: ID!) { node(id: $id) { __typename ... on ExpenseClaim { number payee } } }"


def _setup(today: date) -> dict[str, Any]:
    linux = {"project": "linux"}
    start = add_months(today, -2).isoformat()
    return {
        "sponsorship": {**linux, "sponsor": 1, "kind": "RECURRING_PLEDGE", "terms": TERMS,
                        "idempotencyKey": "s", "amount": "100.00", "currency": "EUR",
                        "recurrence": "monthly", "periodStart": start, "pledge": True},
        "goal": {**linux, "amount": "1000.00", "currency": "EUR", "title": "A laptop",
                 "startsOn": start, "idempotencyKey": "g"},
        "fundGoal": {**linux, "fund": "ops", "amount": "50.00", "currency": "USD",
                     "title": "Mirrors", "startsOn": start, "idempotencyKey": "g2"},
        "budget": {**linux, "category": "hosting", "amount": "500.00", "currency": "EUR",
                   "startsOn": start, "endsOn": today.isoformat(), "idempotencyKey": "b"},
        "rate": {**linux, "currency": "USD", "quote": "EUR", "rate": "0.9150",
                 "quotedOn": start, "source": "ECB", "idempotencyKey": "x"},
        "claim": {**linux, "payee": "Bob Builder", "amount": "80.00", "currency": "EUR",
                  "purpose": "Train to the sprint", "evidenceUrl": "https://example.org/t.pdf",
                  "idempotencyKey": "c"},
    }  # fmt: skip


@pytest.fixture
async def tokens(today: date, gql: GraphQL, admin_token: str, runtime: Runtime) -> dict[str, str]:
    for slug in ("linux", "other"):
        await gql(
            f'mutation {{ createProject(input: {{slug: "{slug}", name: "{slug}"}}) '
            "{ __typename } }",
            token=admin_token,
        )
    issued = {
        "maintainer": runtime.tokens.issue("alice", roles={"linux": "maintainer"}),
        "member": runtime.tokens.issue("bob", roles={"linux": "member"}),
        "stranger": runtime.tokens.issue("eve", roles={"other": "maintainer"}),
    }
    await gql(
        'mutation { setTreasuryPolicy(input: {project: "linux", allowOverdraft: false, '
        'maintainerApproval: true, reportingCurrency: "EUR"}) { __typename } }',
        token=issued["maintainer"],
    )
    await gql(
        "mutation($i: RecordSponsorInput!) { recordSponsor(input: $i) { __typename } }",
        {"i": {"project": "linux", "organisation": "IBM"}},
        issued["maintainer"],
    )
    done = await gql(SETUP, _setup(today), issued["maintainer"])
    assert "errors" not in done, done
    assert {v["__typename"] for v in done["data"].values()} == {
        "SponsorshipPayload", "FundingGoalPayload", "BudgetPayload", "ExchangeRatePayload",
        "ExpenseClaimPayload",
    }  # fmt: skip
    return issued


async def test_every_tool_object_is_a_node_with_the_id_its_list_shows(
    today: date, gql: GraphQL, tokens: dict[str, str]
) -> None:
    shown = (await gql(LISTS))["data"]["treasury"]
    objects = [item for items in shown.values() for item in items]
    assert all(shown.values())
    assert [g["fund"] for g in shown["goals"]] == [None, "ops"]
    assert [b["category"] for b in shown["budgets"]] == ["hosting"]
    assert len({o["id"] for o in objects}) == len(objects)
    found = await gql(NODES, {"ids": [o["id"] for o in objects]})
    assert [{k: v for k, v in n.items() if k != "__typename"} for n in found["data"]["nodes"]] == (
        objects
    )
    assert [n["__typename"] for n in found["data"]["nodes"]] == [
        *["OutstandingPledge"] * len(shown["pledges"]),
        *["RecurringPledge"] * len(shown["recurringPledges"]),
        "FundingGoal",
        "FundingGoal",
        "Budget",
        "ExchangeRate",
    ]
    nowhere = [
        global_id("FundingGoal", 1, "GBP", ""),
        global_id("FundingGoal", 1, "USD", "ops", "more"),
        global_id("Budget", 1, "EUR", "not-a-day", "hosting"),
        global_id(
            "Budget", 1, "EUR", (add_months(today, -2) + timedelta(days=1)).isoformat(), "hosting"
        ),
        global_id("ExchangeRate", 1, "USD", "EUR", "2001-02-30"),
        global_id("RecurringPledge", 1, 99),
        global_id("OutstandingPledge", 2, shown["pledges"][0]["transaction"]),
    ]
    assert (await gql(NODES, {"ids": nowhere}))["data"]["nodes"] == [None] * len(nowhere)


async def test_an_expense_claim_resolves_by_id_for_the_projects_members_only(
    gql: GraphQL, tokens: dict[str, str]
) -> None:
    (claim,) = (await gql(CLAIMS, token=tokens["member"]))["data"]["treasury"]["expenseClaims"][
        "nodes"
    ]
    assert claim["id"] == global_id("ExpenseClaim", 1, claim["number"])
    for caller in ("member", "maintainer"):
        found = await gql(NODE, {"id": claim["id"]}, tokens[caller])
        assert found["data"]["node"] == {
            "__typename": "ExpenseClaim",
            "number": claim["number"],
            "payee": "Bob Builder",
        }
    outsiders: tuple[str | None, ...] = (None, tokens["stranger"])
    for outsider in outsiders:
        hidden = await gql(NODES, {"ids": [claim["id"]]}, outsider)
        assert hidden == {"data": {"nodes": [None]}}
    missing = await gql(NODE, {"id": global_id("ExpenseClaim", 1, 99)}, tokens["member"])
    assert missing["data"]["node"] is None
