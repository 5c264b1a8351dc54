"""Regression tests of the books through GraphQL: back-dated pledges and receipts give
the right balances at every date, idempotency keys span every treasury mutation,
balances stay within int64, and money never settles a pledge in another currency."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app.runtime import Runtime
from tests.conftest import GraphQL

ERRORS = """
    ... on ValidationError { message field }
    ... on NotFoundError { message }
    ... on ConflictError { message code }
"""
SPONSORSHIP = f"""
mutation($input: RecordSponsorshipInput!) {{
  recordSponsorship(input: $input) {{
    __typename ... on SponsorshipPayload {{ pledge {{ number occurredOn dueOn }} }} {ERRORS}
  }}
}}"""
RECEIPT = f"""
mutation($input: RecordReceiptInput!) {{
  recordReceipt(input: $input) {{
    __typename ... on TreasuryTransactionPayload {{ transaction {{ number kind }} }} {ERRORS}
  }}
}}"""
REFUND = f"""
mutation($input: RefundInput!) {{
  refund(input: $input) {{
    __typename ... on TreasuryTransactionPayload {{ transaction {{ number }} }} {ERRORS}
  }}
}}"""
EXPENSE = f"""
mutation($input: RecordExpenseInput!) {{
  recordExpense(input: $input) {{
    __typename ... on TreasuryTransactionPayload {{ transaction {{ number }} }} {ERRORS}
  }}
}}"""
BALANCES = """
query($at: Date) {
  treasury(project: "linux") {
    balances(at: $at) { kind name currency balance { amount minorUnits } }
    transactions { totalCount }
  }
}"""
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
async def maintainer(gql: GraphQL, admin_token: str, runtime: Runtime) -> str:
    await gql(
        'mutation { createProject(input: {slug: "linux", name: "Linux"}) { __typename } }',
        token=admin_token,
    )
    token = runtime.tokens.issue("alice", roles={"linux": "maintainer"})
    for name in ("IBM", "Igalia"):
        await gql(
            "mutation($i: RecordSponsorInput!) { recordSponsor(input: $i) { __typename } }",
            {"i": {"project": "linux", "organisation": name}},
            token,
        )
    return token


def _sponsorship(key: str, **fields: Any) -> dict[str, Any]:
    base = {
        "project": "linux",
        "sponsor": 1,
        "kind": "ONE_OFF",
        "terms": TERMS,
        "idempotencyKey": key,
        "amount": "1000.00",
        "currency": "EUR",
        "pledge": True,
    }
    return {"input": {**base, **fields}}


def _receipt(key: str, amount: str = "1000.00", **fields: Any) -> dict[str, Any]:
    base = {
        "project": "linux",
        "sponsor": 1,
        "amount": amount,
        "currency": "EUR",
        "idempotencyKey": key,
    }
    return {"input": {**base, **fields}}


async def _balances(gql: GraphQL, at: date | None = None) -> dict[str, str]:
    body = await gql(BALANCES, {"at": at.isoformat() if at else None})
    return {
        f"{a['kind']}:{a['name']}:{a['currency']}": a["balance"]["amount"]
        for a in body["data"]["treasury"]["balances"]
    }


async def test_a_pledge_dated_with_its_sponsorship_is_settled_by_a_receipt_of_that_date(
    today: date, gql: GraphQL, maintainer: str
) -> None:
    earlier = today - timedelta(days=11)
    pledged = await gql(SPONSORSHIP, _sponsorship("s", occurredOn=earlier.isoformat()), maintainer)
    assert pledged["data"]["recordSponsorship"]["pledge"] == {
        "number": 1,
        "occurredOn": earlier.isoformat(),
        "dueOn": earlier.isoformat(),
    }
    paid = await gql(RECEIPT, _receipt("r", occurredOn=earlier.isoformat()), maintainer)
    assert paid["data"]["recordReceipt"]["__typename"] == "TreasuryTransactionPayload"
    expected = {
        "income:1:EUR": "-1000.00",
        "receivable:1:EUR": "0.00",
        "treasury:main:EUR": "1000.00",
    }
    assert await _balances(gql, today - timedelta(days=1)) == expected
    assert await _balances(gql) == expected
    assert await _balances(gql, earlier - timedelta(days=1)) == {
        "income:1:EUR": "0.00",
        "receivable:1:EUR": "0.00",
        "treasury:main:EUR": "0.00",
    }


async def test_a_receipt_dated_before_a_pledge_does_not_settle_it(
    today: date, gql: GraphQL, maintainer: str
) -> None:
    await gql(SPONSORSHIP, _sponsorship("s"), maintainer)  # pledged today
    earlier = (today - timedelta(days=11)).isoformat()
    await gql(RECEIPT, _receipt("r", occurredOn=earlier), maintainer)
    # Yesterday the money was held and recognised, and nothing was owed yet.
    assert await _balances(gql, today - timedelta(days=1)) == {
        "income:1:EUR": "-1000.00",
        "receivable:1:EUR": "0.00",
        "treasury:main:EUR": "1000.00",
    }
    # Today's pledge stays open: it was made after that money came.
    assert await _balances(gql) == {
        "income:1:EUR": "-2000.00",
        "receivable:1:EUR": "1000.00",
        "treasury:main:EUR": "1000.00",
    }


async def test_a_back_dated_expense_may_not_overdraw_the_fund_on_its_date(
    today: date, gql: GraphQL, maintainer: str
) -> None:
    await gql(
        'mutation { setTreasuryPolicy(input: {project: "linux", allowOverdraft: false, '
        "maintainerApproval: true}) { __typename } }",
        token=maintainer,
    )
    await gql(RECEIPT, _receipt("r", "100.00"), maintainer)
    expense = {
        "project": "linux",
        "amount": "50.00",
        "currency": "EUR",
        "payee": "Ada",
        "purpose": "docs",
        "evidenceUrl": "https://example.org/i/1",
        "idempotencyKey": "e",
        "occurredOn": (today - timedelta(days=3)).isoformat(),
    }
    refused = await gql(EXPENSE, {"input": expense}, maintainer)
    assert refused["data"]["recordExpense"] == {
        "__typename": "ConflictError",
        "message": "fund 'main' would go below zero in EUR; the policy allows no overdraft",
        "code": "overdraft",
    }
    dated_today = await gql(EXPENSE, {"input": {**expense, "occurredOn": None}}, maintainer)
    assert dated_today["data"]["recordExpense"]["__typename"] == "TreasuryTransactionPayload"


async def test_a_key_used_by_one_mutation_is_refused_by_another(
    gql: GraphQL, maintainer: str
) -> None:
    await gql(RECEIPT, _receipt("shared", "100.00"), maintainer)
    refund = {
        "input": {
            "project": "linux",
            "sponsor": 1,
            "amount": "100.00",
            "currency": "EUR",
            "idempotencyKey": "shared",
        }
    }
    refused = await gql(REFUND, refund, maintainer)
    mismatch = {
        "__typename": "ConflictError",
        "message": "idempotency key 'shared' was already used by another treasury mutation "
        "or with different input",
        "code": "idempotency_mismatch",
    }
    assert refused["data"]["refund"] == mismatch
    as_sponsorship = await gql(SPONSORSHIP, _sponsorship("shared"), maintainer)
    assert as_sponsorship["data"]["recordSponsorship"] == mismatch
    body = await gql(BALANCES, {})
    assert body["data"]["treasury"]["transactions"]["totalCount"] == 1
    assert (await _balances(gql))["treasury:main:EUR"] == "100.00"


async def test_balances_stay_within_a_signed_64_bit_integer(gql: GraphQL, maintainer: str) -> None:
    most = "92233720368547758.07"  # 2**63 - 1 cents
    first = await gql(RECEIPT, _receipt("a", most), maintainer)
    assert first["data"]["recordReceipt"]["__typename"] == "TreasuryTransactionPayload"
    beyond = await gql(RECEIPT, _receipt("b", "0.01", sponsor=2), maintainer)
    assert beyond["data"]["recordReceipt"] == {
        "__typename": "ConflictError",
        "message": "the treasury account 'main' would leave the 64-bit range in EUR",
        "code": "balance_limit",
    }
    body = await gql(BALANCES, {})
    held = [a for a in body["data"]["treasury"]["balances"] if a["kind"] == "treasury"]
    assert held == [
        {
            "kind": "treasury",
            "name": "main",
            "currency": "EUR",
            "balance": {"amount": most, "minorUnits": str(2**63 - 1)},
        }
    ]
    elsewhere = await gql(RECEIPT, _receipt("c", "0.01", sponsor=2, fund="reserve"), maintainer)
    assert elsewhere["data"]["recordReceipt"]["__typename"] == "TreasuryTransactionPayload"


async def test_money_in_another_currency_never_settles_a_pledge(
    gql: GraphQL, maintainer: str
) -> None:
    await gql(SPONSORSHIP, _sponsorship("s", amount="500.00", currency="USD"), maintainer)
    refused = await gql(RECEIPT, _receipt("r", "500.00", sponsorship=1), maintainer)
    assert refused["data"]["recordReceipt"] == {
        "__typename": "ConflictError",
        "message": "sponsorship 1 is in USD, not EUR; convert the money first",
        "code": "sponsorship_currency",
    }
    assert await _balances(gql) == {"income:1:USD": "-500.00", "receivable:1:USD": "500.00"}
    paid = await gql(RECEIPT, _receipt("u", "500.00", currency="USD", sponsorship=1), maintainer)
    assert paid["data"]["recordReceipt"]["__typename"] == "TreasuryTransactionPayload"
    assert (await _balances(gql))["receivable:1:USD"] == "0.00"
