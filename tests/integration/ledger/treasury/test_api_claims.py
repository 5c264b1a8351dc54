"""Expense claims submitted by their payee, each step journaled, and anonymous sponsors
named only to the project's maintainers while their terms stay public."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.runtime import Runtime
from ledger.treasury.approvals import authorize_expense
from tests.conftest import GraphQL

ERRORS = """
    ... on ValidationError { message field }
    ... on NotFoundError { message }
    ... on ConflictError { message code }
    ... on ForbiddenError { message }
"""
CLAIM = "claim { number state payee amount { amount } approval transaction rejectionReason }"
STEPS = {
    name: f"""
mutation($input: {name[0].upper()}{name[1:]}Input!) {{
  {name}(input: $input) {{
    __typename ... on ExpenseClaimPayload {{ {CLAIM} transaction {{ kind approval }} }}
    {ERRORS}
  }}
}}"""
    for name in ("submitExpense", "approveExpense", "rejectExpense", "payExpense")
}
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


@pytest.fixture
async def tokens(gql: GraphQL, admin_token: str, runtime: Runtime) -> tuple[str, str]:
    await gql(
        'mutation { createProject(input: {slug: "linux", name: "Linux"}) { __typename } }',
        token=admin_token,
    )
    maintainer = runtime.tokens.issue("alice", roles={"linux": "maintainer"})
    member = runtime.tokens.issue("bob", roles={"linux": "member"})
    await gql(
        "mutation($i: RecordSponsorInput!) { recordSponsor(input: $i) { __typename } }",
        {"i": {"project": "linux", "organisation": "IBM"}},
        maintainer,
    )
    await gql(
        "mutation($i: RecordReceiptInput!) { recordReceipt(input: $i) { __typename } }",
        {"i": {"project": "linux", "sponsor": 1, "amount": "1000", "currency": "EUR",
               "idempotencyKey": "money"}},
        maintainer,
    )  # fmt: skip
    return maintainer, member


def _claim(key: str, amount: str = "80.00") -> dict[str, Any]:
    return {
        "input": {
            "project": "linux",
            "payee": "Bob Builder",
            "amount": amount,
            "currency": "EUR",
            "purpose": "Train to the sprint",
            "evidenceUrl": "https://example.org/tickets/1.pdf",
            "idempotencyKey": key,
            "category": "travel",
        }
    }


def _step(**fields: Any) -> dict[str, Any]:
    return {"input": {"project": "linux", **fields}}


async def test_a_claim_goes_from_draft_to_approved_to_paid_and_every_step_is_journaled(
    gql: GraphQL, tokens: tuple[str, str], pool: asyncpg.Pool
) -> None:
    maintainer, member = tokens
    nobody = await gql(STEPS["submitExpense"], _claim("c"))
    assert nobody["data"]["submitExpense"]["__typename"] == "ForbiddenError"
    draft = await gql(STEPS["submitExpense"], _claim("c"), member)
    assert draft["data"]["submitExpense"]["claim"] == {
        "number": 1, "state": "draft", "payee": "Bob Builder", "amount": {"amount": "80.00"},
        "approval": None, "transaction": None, "rejectionReason": None,
    }  # fmt: skip
    by_member = await gql(STEPS["approveExpense"], _step(claim=1, idempotencyKey="a"), member)
    assert by_member["data"]["approveExpense"]["__typename"] == "ForbiddenError"
    unpaid = await gql(STEPS["payExpense"], _step(claim=1, idempotencyKey="p0"), maintainer)
    assert unpaid["data"]["payExpense"] == {
        "__typename": "ConflictError",
        "message": "expense claim 1 is draft, not approved",
        "code": "claim_state",
    }
    no_policy = await gql(STEPS["approveExpense"], _step(claim=1, idempotencyKey="a"), maintainer)
    assert no_policy["data"]["approveExpense"]["code"] == "approval_required"
    await gql(
        'mutation { setTreasuryPolicy(input: {project: "linux", allowOverdraft: false, '
        "maintainerApproval: true}) { __typename } }",
        token=maintainer,
    )
    approved = await gql(STEPS["approveExpense"], _step(claim=1, idempotencyKey="a"), maintainer)
    assert approved["data"]["approveExpense"]["claim"]["state"] == "approved"
    paid = await gql(STEPS["payExpense"], _step(claim=1, idempotencyKey="p"), maintainer)
    result = paid["data"]["payExpense"]
    assert (result["claim"]["state"], result["claim"]["transaction"]) == ("paid", 2)
    assert result["transaction"] == {"kind": "EXPENSE", "approval": result["claim"]["approval"]}
    replay = await gql(STEPS["payExpense"], _step(claim=1, idempotencyKey="p"), maintainer)
    assert replay["data"]["payExpense"]["claim"] == result["claim"]
    twice = await gql(STEPS["payExpense"], _step(claim=1, idempotencyKey="p2"), maintainer)
    assert twice["data"]["payExpense"]["code"] == "claim_state"
    steps = await pool.fetch(
        "SELECT type, body FROM journal_events WHERE type LIKE 'treasury.expense_%' ORDER BY seq"
    )
    assert [(r["type"], r["body"].get("claim")) for r in steps] == [
        ("treasury.expense_submitted", 1),
        ("treasury.expense_authorized", None),
        ("treasury.expense_approved", 1),
        ("treasury.expense_paid", 1),
    ]


async def test_a_claim_approved_by_vote_is_paid_only_as_that_claim_and_drafts_can_be_rejected(
    gql: GraphQL, tokens: tuple[str, str], pool: asyncpg.Pool
) -> None:
    maintainer, member = tokens
    await gql(STEPS["submitExpense"], _claim("c1"), member)
    await gql(STEPS["submitExpense"], _claim("c2", "20.00"), member)
    project = await pool.fetchval("SELECT id FROM projects WHERE slug = 'linux'")
    async with pool.acquire() as conn, conn.transaction():
        approval = await authorize_expense(
            conn, project, proposal_id=7, amount="80.00", currency="EUR",
            payee="Bob Builder", purpose="Train to the sprint", actor="governance",
        )  # fmt: skip
    voted = await gql(
        STEPS["approveExpense"], _step(claim=1, approval=approval, idempotencyKey="a"), maintainer
    )
    assert voted["data"]["approveExpense"]["claim"]["approval"] == approval
    direct = await gql(
        "mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { "
        "__typename ... on ConflictError { message code } } }",
        _step(
            amount="80.00",
            currency="EUR",
            payee="Bob Builder",
            purpose="Train to the sprint",
            evidenceUrl="https://example.org/i",
            approval=approval,
            idempotencyKey="e",
        ),
        maintainer,
    )
    assert direct["data"]["recordExpense"] == {
        "__typename": "ConflictError",
        "message": f"approval {approval} approved expense claim 1; pay that claim",
        "code": "approval_used",
    }
    reuse = await gql(
        STEPS["approveExpense"], _step(claim=2, approval=approval, idempotencyKey="a2"), maintainer
    )
    assert reuse["data"]["approveExpense"]["code"] == "approval_used"
    rejected = await gql(
        STEPS["rejectExpense"],
        _step(claim=2, reason="not in this year's budget", idempotencyKey="r"),
        maintainer,
    )
    assert rejected["data"]["rejectExpense"]["claim"]["rejectionReason"] == (
        "not in this year's budget"
    )
    late = await gql(STEPS["approveExpense"], _step(claim=2, idempotencyKey="a3"), maintainer)
    assert late["data"]["approveExpense"]["code"] == "claim_state"
    listed = await gql(
        'query { treasury(project: "linux") { expenseClaims(state: "rejected") { '
        "totalCount nodes { number } } } }",
        token=member,
    )
    assert listed["data"]["treasury"]["expenseClaims"] == {
        "totalCount": 1,
        "nodes": [{"number": 2}],
    }
    first = await gql(
        'query { treasury(project: "linux") { expenseClaims(first: 1) { '
        "pageInfo { hasNextPage endCursor } nodes { number } } } }",
        token=member,
    )
    page = first["data"]["treasury"]["expenseClaims"]
    assert (page["nodes"], page["pageInfo"]["hasNextPage"]) == ([{"number": 1}], True)
    rest = await gql(
        'query($after: String) { treasury(project: "linux") { expenseClaims(after: $after) { '
        "nodes { number } } } }",
        {"after": page["pageInfo"]["endCursor"]},
        member,
    )
    assert rest["data"]["treasury"]["expenseClaims"]["nodes"] == [{"number": 2}]
    hidden = await gql(
        'query { treasury(project: "linux") { expenseClaims { nodes { number } } } }'
    )
    assert hidden["errors"][0]["extensions"]["code"] == "forbidden"


async def test_an_anonymous_sponsor_is_named_only_to_maintainers(
    gql: GraphQL,
    tokens: tuple[str, str],
    pool: asyncpg.Pool,
    client: AsyncTestClient[Litestar],
) -> None:
    maintainer, member = tokens
    recorded = await gql(
        "mutation($i: RecordSponsorInput!) { recordSponsor(input: $i) { "
        "... on SponsorPayload { sponsor { number name anonymous organisation } } } }",
        {"i": {"project": "linux", "organisation": "Quanta Cloud", "anonymous": True}},
        maintainer,
    )
    known = recorded["data"]["recordSponsor"]["sponsor"]
    assert (known["number"], known["name"], known["anonymous"]) == (2, "Quanta Cloud", True)
    await gql(
        "mutation($input: RecordSponsorshipInput!) { recordSponsorship(input: $input) { "
        "__typename } }",
        {"input": {"project": "linux", "sponsor": 2, "kind": "ONE_OFF", "terms": TERMS,
                   "idempotencyKey": "s", "amount": "50.00", "currency": "EUR"}},
        maintainer,
    )  # fmt: skip
    await gql(
        "mutation($i: RecordReceiptInput!) { recordReceipt(input: $i) { __typename } }",
        {"i": {"project": "linux", "sponsor": 2, "amount": "50", "currency": "EUR",
               "idempotencyKey": "gift"}},
        maintainer,
    )  # fmt: skip
    query = """query { sponsors(project: "linux") { number name organisation
                 sponsorships { terms { title commons } } } }"""
    public = (await gql(query, token=member))["data"]["sponsors"][1]
    assert public == {
        "number": 2,
        "name": "anonymous",
        "organisation": None,
        "sponsorships": [{"terms": {"title": "Commons Sponsorship Terms", "commons": True}}],
    }
    treasurer = (await gql(query, token=maintainer))["data"]["sponsors"][1]
    assert treasurer["name"] == "Quanta Cloud"
    assert treasurer["organisation"] is not None
    event = await pool.fetchval(
        "SELECT body FROM journal_events WHERE type = 'treasury.sponsor_recorded' "
        "AND (body->>'sponsor')::int = 2"
    )
    assert event == {
        "sponsor": 2, "organisation": None, "contributor": None, "name": "anonymous",
        "anonymous": True,
    }  # fmt: skip
    csv_text = (await client.get("/projects/linux/transactions.csv")).text
    assert "Quanta Cloud" not in csv_text
    assert ",anonymous," in csv_text
    again = await gql(
        "mutation($i: RecordSponsorInput!) { recordSponsor(input: $i) { "
        "__typename ... on ConflictError { code } } }",
        {"i": {"project": "linux", "organisation": "Quanta Cloud"}},
        maintainer,
    )
    assert again["data"]["recordSponsor"] == {
        "__typename": "ConflictError",
        "code": "already_exists",
    }
