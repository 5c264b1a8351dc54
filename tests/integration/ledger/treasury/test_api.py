from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.runtime import Runtime
from tests.conftest import GraphQL
from tests.integration.ledger.conftest import CheckPass

ERRORS = """
    ... on ValidationError { message field }
    ... on NotFoundError { message }
    ... on ConflictError { message code }
    ... on ForbiddenError { message }
"""
TX = "transaction { number kind entries { accountKind accountName amount { amount currency } side } }"
SPONSOR = f"""
mutation($input: RecordSponsorInput!) {{
  recordSponsor(input: $input) {{
    __typename ... on SponsorPayload {{ sponsor {{ number name }} created }} {ERRORS}
  }}
}}"""
SPONSORSHIP = f"""
mutation($input: RecordSponsorshipInput!) {{
  recordSponsorship(input: $input) {{
    __typename
    ... on SponsorshipPayload {{
      sponsorship {{ number kind amount {{ amount currency }} earmark nonCommons
                     terms {{ title version sha256 commons }} }}
      pledge {{ number kind }}
      replayed
    }}
    {ERRORS}
  }}
}}"""
RECEIPT = f"""
mutation($input: RecordReceiptInput!) {{
  recordReceipt(input: $input) {{
    __typename ... on TreasuryTransactionPayload {{ {TX} replayed }} {ERRORS}
  }}
}}"""
EXPENSE = f"""
mutation($input: RecordExpenseInput!) {{
  recordExpense(input: $input) {{
    __typename ... on TreasuryTransactionPayload {{ transaction {{ number approval payee }} }}
    {ERRORS}
  }}
}}"""
POLICY = f"""
mutation($input: SetTreasuryPolicyInput!) {{
  setTreasuryPolicy(input: $input) {{
    __typename ... on TreasuryPolicyPayload {{ policy {{ allowOverdraft maintainerApproval }} }}
    {ERRORS}
  }}
}}"""
TREASURY = """
query($project: String!) {
  treasury(project: $project) {
    balances { kind name currency balance { amount minorUnits currency } }
    transactions(first: 2) {
      totalCount pageInfo { hasNextPage }
      nodes { number kind occurredOn }
    }
    integrity { ok transactions unbalancedTransactions mismatchedAccounts
                unjournaledTransactions journalOk }
  }
  sponsors(project: $project) { number name sponsorships { number earmark } }
}
"""
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
    created = await gql(
        'mutation { createProject(input: {slug: "linux", name: "Linux"}) { __typename } }',
        token=admin_token,
    )
    assert created["data"]["createProject"]["__typename"] == "ProjectPayload"
    return runtime.tokens.issue("alice", roles={"linux": "maintainer"})


async def _sponsor(gql: GraphQL, token: str, name: str = "IBM") -> int:
    body = await gql(SPONSOR, {"input": {"project": "linux", "organisation": name}}, token)
    number: int = body["data"]["recordSponsor"]["sponsor"]["number"]
    return number


async def _receipt(gql: GraphQL, token: str, sponsor: int, amount: str, key: str) -> dict[str, Any]:
    variables = {
        "input": {
            "project": "linux",
            "sponsor": sponsor,
            "amount": amount,
            "currency": "EUR",
            "idempotencyKey": key,
        }
    }
    body = await gql(RECEIPT, variables, token)
    result: dict[str, Any] = body["data"]["recordReceipt"]
    return result


def _expense(amount: str, key: str, approval: int | None = None) -> dict[str, Any]:
    return {
        "input": {
            "project": "linux",
            "amount": amount,
            "currency": "EUR",
            "payee": "Ada Lovelace",
            "purpose": "documentation sprint",
            "evidenceUrl": "https://example.org/invoices/7",
            "approval": approval,
            "idempotencyKey": key,
        }
    }


async def test_a_pledged_sponsorship_pins_its_commons_terms_by_sha256(
    gql: GraphQL, maintainer: str
) -> None:
    sponsor = await _sponsor(gql, maintainer)
    given = {
        "project": "linux",
        "sponsor": sponsor,
        "kind": "ONE_OFF",
        "amount": "1000.00",
        "currency": "EUR",
        "earmark": "documentation",
        "terms": TERMS,
        "pledge": True,
        "idempotencyKey": "s1",
    }
    pledged = await gql(SPONSORSHIP, {"input": given}, maintainer)
    replayed = await gql(SPONSORSHIP, {"input": given}, maintainer)
    changed = await gql(SPONSORSHIP, {"input": {**given, "amount": "999"}}, maintainer)
    assert replayed["data"]["recordSponsorship"] == {
        **pledged["data"]["recordSponsorship"],
        "replayed": True,
    }
    assert changed["data"]["recordSponsorship"]["code"] == "idempotency_mismatch"
    assert pledged["data"]["recordSponsorship"] == {
        "__typename": "SponsorshipPayload",
        "sponsorship": {
            "number": 1,
            "kind": "ONE_OFF",
            "amount": {"amount": "1000.00", "currency": "EUR"},
            "earmark": "documentation",
            "nonCommons": False,
            "terms": {
                "title": "Commons Sponsorship Terms",
                "version": "1.0",
                "sha256": "59e20bc221404959bb085227224e2e52b461778f2eebf0c30a19d89eb382b014",
                "commons": True,
            },
        },
        "pledge": {"number": 1, "kind": "PLEDGE"},
        "replayed": False,
    }


async def test_receipts_replay_by_key_and_refuse_other_input(gql: GraphQL, maintainer: str) -> None:
    sponsor = await _sponsor(gql, maintainer)
    first = await _receipt(gql, maintainer, sponsor, "12.50", "k1")
    again = await _receipt(gql, maintainer, sponsor, "12.50", "k1")
    other = await _receipt(gql, maintainer, sponsor, "12.51", "k1")
    assert first == {
        "__typename": "TreasuryTransactionPayload",
        "transaction": {
            "number": 1,
            "kind": "RECEIPT",
            "entries": [
                {
                    "accountKind": "treasury",
                    "accountName": "main",
                    "amount": {"amount": "12.50", "currency": "EUR"},
                    "side": "debit",
                },
                {
                    "accountKind": "income",
                    "accountName": str(sponsor),
                    "amount": {"amount": "-12.50", "currency": "EUR"},
                    "side": "credit",
                },
            ],
        },
        "replayed": False,
    }
    assert again == {**first, "replayed": True}
    assert other == {
        "__typename": "ConflictError",
        "message": "idempotency key 'k1' was already used by another treasury mutation "
        "or with different input",
        "code": "idempotency_mismatch",
    }


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("12.345", "EUR", {"message": "amount has 3 decimals; EUR allows 2", "field": "amount"}),
        ("-5", "EUR", {"message": "amount must be positive", "field": "amount"}),
        ("0", "EUR", {"message": "amount must not be zero", "field": "amount"}),
        (
            "1e3",
            "EUR",
            {"message": 'amount must be a plain decimal string such as "12.50"', "field": "amount"},
        ),
        ("99999999999999999999", "EUR", {"message": "amount is too large", "field": "amount"}),
        (
            "10",
            "eur",
            {
                "message": "currency must be an upper-case ISO 4217 code like EUR",
                "field": "currency",
            },
        ),
        (
            "10",
            "ZZZ",
            {"message": "ZZZ is not an ISO 4217 currency with a minor unit", "field": "currency"},
        ),
    ],
)
async def test_bad_amounts_and_currencies_are_typed_validation_errors(
    gql: GraphQL, maintainer: str, amount: str, currency: str, expected: dict[str, str]
) -> None:
    sponsor = await _sponsor(gql, maintainer)
    variables = {
        "input": {
            "project": "linux",
            "sponsor": sponsor,
            "amount": amount,
            "currency": currency,
            "idempotencyKey": "bad",
        }
    }
    body = await gql(RECEIPT, variables, maintainer)
    assert body["data"]["recordReceipt"] == {"__typename": "ValidationError", **expected}


async def test_exclusive_terms_are_refused_unless_flagged_non_commons(
    gql: GraphQL, maintainer: str
) -> None:
    sponsor = await _sponsor(gql, maintainer)
    exclusive = {**TERMS, "version": "2.0-exclusive", "noExclusiveLicense": False}
    base = {
        "project": "linux",
        "sponsor": sponsor,
        "kind": "MATCHING_FUND",
        "amount": "50000",
        "currency": "USD",
        "terms": exclusive,
        "idempotencyKey": "x",
    }
    refused = await gql(SPONSORSHIP, {"input": base}, maintainer)
    flagged = await gql(
        SPONSORSHIP,
        {"input": {**base, "idempotencyKey": "y", "nonCommonsReason": "grandfathered contract"}},
        maintainer,
    )
    assert refused["data"]["recordSponsorship"] == {
        "__typename": "ConflictError",
        "message": "the terms do not give no_exclusive_license; record it as non-commons "
        "funding with a reason to accept it",
        "code": "non_commons_terms",
    }
    result = flagged["data"]["recordSponsorship"]
    assert (result["sponsorship"]["nonCommons"], result["sponsorship"]["terms"]["commons"]) == (
        True,
        False,
    )
    listed = await gql(
        'query { sponsors(project: "linux") { name sponsorships { number nonCommons } } }'
    )
    assert listed == {
        "data": {
            "sponsors": [
                {
                    "name": "IBM",
                    "sponsorships": [
                        {"number": result["sponsorship"]["number"], "nonCommons": True}
                    ],
                }
            ]
        }
    }


async def test_an_expense_without_the_approval_its_policy_requires_is_refused(
    gql: GraphQL, maintainer: str
) -> None:
    sponsor = await _sponsor(gql, maintainer)
    await _receipt(gql, maintainer, sponsor, "100", "r")
    refused = await gql(EXPENSE, _expense("10", "e1"), maintainer)
    missing = await gql(EXPENSE, _expense("10", "e2", approval=42), maintainer)
    assert refused["data"]["recordExpense"] == {
        "__typename": "ConflictError",
        "message": "this project's policy requires a passed proposal to approve an expense",
        "code": "approval_required",
    }
    assert missing["data"]["recordExpense"] == {
        "__typename": "NotFoundError",
        "message": "no expense approval 42 in this project",
    }


async def test_overdraft_is_refused_and_the_books_stay_balanced(
    gql: GraphQL, maintainer: str, check: CheckPass
) -> None:
    policy = await gql(
        POLICY,
        {"input": {"project": "linux", "allowOverdraft": False, "maintainerApproval": True}},
        maintainer,
    )
    sponsor = await _sponsor(gql, maintainer)
    await _receipt(gql, maintainer, sponsor, "100", "r")
    paid = await gql(EXPENSE, _expense("60", "e1"), maintainer)
    overdraft = await gql(EXPENSE, _expense("60", "e2"), maintainer)
    await check()
    books = await gql(TREASURY, {"project": "linux"})
    assert policy["data"]["setTreasuryPolicy"]["policy"] == {
        "allowOverdraft": False,
        "maintainerApproval": True,
    }
    assert paid["data"]["recordExpense"] == {
        "__typename": "TreasuryTransactionPayload",
        "transaction": {"number": 2, "approval": 1, "payee": "Ada Lovelace"},
    }
    assert overdraft["data"]["recordExpense"] == {
        "__typename": "ConflictError",
        "message": "fund 'main' would go below zero in EUR; the policy allows no overdraft",
        "code": "overdraft",
    }
    today = books["data"]["treasury"]["transactions"]["nodes"][0]["occurredOn"]
    assert books == {
        "data": {
            "treasury": {
                "balances": [
                    {
                        "kind": "expense",
                        "name": "general",
                        "currency": "EUR",
                        "balance": {"amount": "60.00", "minorUnits": "6000", "currency": "EUR"},
                    },
                    {
                        "kind": "income",
                        "name": str(sponsor),
                        "currency": "EUR",
                        "balance": {"amount": "-100.00", "minorUnits": "-10000", "currency": "EUR"},
                    },
                    {
                        "kind": "payable",
                        "name": "Ada Lovelace",
                        "currency": "EUR",
                        "balance": {"amount": "0.00", "minorUnits": "0", "currency": "EUR"},
                    },
                    {
                        "kind": "receivable",
                        "name": str(sponsor),
                        "currency": "EUR",
                        "balance": {"amount": "0.00", "minorUnits": "0", "currency": "EUR"},
                    },
                    {
                        "kind": "treasury",
                        "name": "main",
                        "currency": "EUR",
                        "balance": {"amount": "40.00", "minorUnits": "4000", "currency": "EUR"},
                    },
                ],
                "transactions": {
                    "totalCount": 2,
                    "pageInfo": {"hasNextPage": False},
                    "nodes": [
                        {"number": 2, "kind": "EXPENSE", "occurredOn": today},
                        {"number": 1, "kind": "RECEIPT", "occurredOn": today},
                    ],
                },
                "integrity": {
                    "ok": True,
                    "transactions": 2,
                    "unbalancedTransactions": [],
                    "mismatchedAccounts": [],
                    "unjournaledTransactions": [],
                    "journalOk": True,
                },
            },
            "sponsors": [{"number": sponsor, "name": "IBM", "sponsorships": []}],
        }
    }


async def test_concurrent_replays_of_one_key_make_one_receipt(
    gql: GraphQL, maintainer: str
) -> None:
    sponsor = await _sponsor(gql, maintainer)
    results = await asyncio.gather(
        *(_receipt(gql, maintainer, sponsor, "7.00", "same") for _ in range(6))
    )
    books = await gql(TREASURY, {"project": "linux"})
    numbers = {r["transaction"]["number"] for r in results}
    replays = sorted(r["replayed"] for r in results)
    assert (numbers, replays) == ({1}, [False, True, True, True, True, True])
    assert books["data"]["treasury"]["transactions"]["totalCount"] == 1


async def test_only_maintainers_move_money_but_anyone_reads(gql: GraphQL, maintainer: str) -> None:
    sponsor = await _sponsor(gql, maintainer)
    anonymous = await _receipt(gql, "", sponsor, "1", "k")
    books = await gql(TREASURY, {"project": "linux"})
    assert anonymous == {"__typename": "ForbiddenError", "message": "authentication required"}
    assert books["data"]["treasury"]["integrity"]["ok"] is True


async def test_concurrent_expense_requests_that_together_overdraw_leave_one_paid(
    gql: GraphQL, maintainer: str
) -> None:
    await gql(
        POLICY,
        {"input": {"project": "linux", "allowOverdraft": False, "maintainerApproval": True}},
        maintainer,
    )
    sponsor = await _sponsor(gql, maintainer)
    await _receipt(gql, maintainer, sponsor, "100", "r")
    bodies = await asyncio.gather(
        *(gql(EXPENSE, _expense("60", f"e{i}"), maintainer) for i in range(4))
    )
    kinds = sorted(
        body["data"]["recordExpense"].get("code", body["data"]["recordExpense"]["__typename"])
        for body in bodies
    )
    books = await gql(TREASURY, {"project": "linux"})
    assert kinds == ["TreasuryTransactionPayload", "overdraft", "overdraft", "overdraft"]
    main = [b for b in books["data"]["treasury"]["balances"] if b["kind"] == "treasury"]
    assert main == [
        {
            "kind": "treasury",
            "name": "main",
            "currency": "EUR",
            "balance": {"amount": "40.00", "minorUnits": "4000", "currency": "EUR"},
        }
    ]
