from __future__ import annotations

from typing import Any

import asyncpg
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
RESULT = f"""
    __typename
    ... on TreasuryTransactionPayload {{
      replayed
      transaction {{
        number kind occurredOn reverses fxRate fxSource fxDate
        entries {{ accountKind accountName amount {{ amount currency }} }}
      }}
    }}
    {ERRORS}
"""
MOVES = f"""
mutation($receipt: RecordReceiptInput!, $old: RecordReceiptInput!, $transfer: TransferInput!,
         $convert: ConvertCurrencyInput!, $refund: RefundInput!) {{
  receipt: recordReceipt(input: $receipt) {{ {RESULT} }}
  old: recordReceipt(input: $old) {{ {RESULT} }}
  transfer(input: $transfer) {{ {RESULT} }}
  convertCurrency(input: $convert) {{ {RESULT} }}
  refund(input: $refund) {{ {RESULT} }}
}}"""
REVERSE = f"""
mutation($input: ReverseTransactionInput!) {{ reverseTransaction(input: $input) {{ {RESULT} }} }}
"""
PAGES = """
query($project: String!, $filter: TreasuryTransactionFilter, $after: String, $at: Date) {
  treasury(project: $project) {
    transactions(filter: $filter, first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { number kind sponsor occurredOn }
    }
    balances(at: $at) { kind name currency balance { amount } }
  }
}
"""
INTEGRITY = """
query { treasury(project: "linux") {
  integrity { ok transactions unbalancedTransactions mismatchedAccounts unjournaledTransactions
              journalOk journalReason } } }
"""


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


def _moves(**overrides: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, dict[str, Any]] = {
        "receipt": {"sponsor": 1, "amount": "100.00", "currency": "EUR", "idempotencyKey": "r"},
        "old": {
            "sponsor": 2,
            "amount": "40",
            "currency": "EUR",
            "occurredOn": "2025-03-01",
            "idempotencyKey": "o",
        },
        "transfer": {
            "amount": "30",
            "currency": "EUR",
            "fromFund": "main",
            "toFund": "reserve",
            "idempotencyKey": "t",
        },
        "convert": {
            "amount": "10.00",
            "currency": "EUR",
            "toCurrency": "BHD",
            "fxRate": "0.4105",
            "fxSource": "ECB reference rate",
            "fxDate": "2026-01-02",
            "idempotencyKey": "c",
        },
        "refund": {"sponsor": 2, "amount": "5", "currency": "EUR", "idempotencyKey": "f"},
    }
    return {
        name: {"project": "linux", **fields, **overrides.get(name, {})}
        for name, fields in base.items()
    }


async def test_movements_of_every_kind_post_balanced_and_reversible(
    gql: GraphQL, maintainer: str, check: CheckPass
) -> None:
    body = await gql(MOVES, _moves(), maintainer)
    data = body["data"]
    assert data["convertCurrency"]["transaction"]["entries"] == [
        {
            "accountKind": "exchange",
            "accountName": "fx",
            "amount": {"amount": "10.00", "currency": "EUR"},
        },
        {
            "accountKind": "treasury",
            "accountName": "main",
            "amount": {"amount": "-10.00", "currency": "EUR"},
        },
        {
            "accountKind": "treasury",
            "accountName": "main",
            "amount": {"amount": "4.105", "currency": "BHD"},
        },
        {
            "accountKind": "exchange",
            "accountName": "fx",
            "amount": {"amount": "-4.105", "currency": "BHD"},
        },
    ]
    assert {
        k: data["convertCurrency"]["transaction"][k] for k in ("fxRate", "fxSource", "fxDate")
    } == {"fxRate": "0.4105", "fxSource": "ECB reference rate", "fxDate": "2026-01-02"}
    assert [data[k]["__typename"] for k in ("receipt", "old", "transfer", "refund")] == [
        "TreasuryTransactionPayload"
    ] * 4
    reversed_ = await gql(
        REVERSE,
        {"input": {"project": "linux", "transaction": 3, "idempotencyKey": "x"}},
        maintainer,
    )
    again = await gql(
        REVERSE,
        {"input": {"project": "linux", "transaction": 3, "idempotencyKey": "y"}},
        maintainer,
    )
    transaction = reversed_["data"]["reverseTransaction"]["transaction"]
    assert (transaction["kind"], transaction["reverses"]) == ("REVERSAL", 3)
    assert [(e["accountName"], e["amount"]["amount"]) for e in transaction["entries"]] == [
        ("reserve", "-30.00"),
        ("main", "30.00"),
    ]
    assert again["data"]["reverseTransaction"] == {
        "__typename": "ConflictError",
        "message": "transaction 3 was already reversed by 6",
        "code": "already_reversed",
    }
    await check()
    integrity = await gql(INTEGRITY)
    assert integrity["data"]["treasury"]["integrity"] == {
        "ok": True,
        "transactions": 6,
        "unbalancedTransactions": [],
        "mismatchedAccounts": [],
        "unjournaledTransactions": [],
        "journalOk": True,
        "journalReason": "",
    }


async def test_transactions_page_by_keyset_and_filter_by_kind_sponsor_and_date(
    gql: GraphQL, maintainer: str
) -> None:
    await gql(MOVES, _moves(), maintainer)
    first = await gql(PAGES, {"project": "linux"})
    cursor = first["data"]["treasury"]["transactions"]["pageInfo"]["endCursor"]
    second = await gql(PAGES, {"project": "linux", "after": cursor})
    page_one = first["data"]["treasury"]["transactions"]
    page_two = second["data"]["treasury"]["transactions"]
    assert page_one["totalCount"] == 5
    assert [n["number"] for n in page_one["nodes"] + page_two["nodes"]] == [5, 4, 3, 1]
    by_sponsor = await gql(PAGES, {"project": "linux", "filter": {"sponsor": 2, "kind": "RECEIPT"}})
    last_year = await gql(
        PAGES,
        {"project": "linux", "filter": {"until": "2025-12-31"}, "at": "2025-06-30"},
    )
    assert by_sponsor["data"]["treasury"]["transactions"]["nodes"] == [
        {"number": 2, "kind": "RECEIPT", "sponsor": 2, "occurredOn": "2025-03-01"}
    ]
    assert "errors" not in last_year, last_year
    assert last_year["data"]["treasury"] == {
        "transactions": {
            "totalCount": 1,
            "pageInfo": {
                "hasNextPage": False,
                "endCursor": last_year["data"]["treasury"]["transactions"]["pageInfo"]["endCursor"],
            },
            "nodes": [{"number": 2, "kind": "RECEIPT", "sponsor": 2, "occurredOn": "2025-03-01"}],
        },
        "balances": [
            {"kind": "exchange", "name": "fx", "currency": "BHD", "balance": {"amount": "0.000"}},
            {"kind": "treasury", "name": "main", "currency": "BHD", "balance": {"amount": "0.000"}},
            {"kind": "exchange", "name": "fx", "currency": "EUR", "balance": {"amount": "0.00"}},
            {"kind": "income", "name": "1", "currency": "EUR", "balance": {"amount": "0.00"}},
            {"kind": "income", "name": "2", "currency": "EUR", "balance": {"amount": "-40.00"}},
            {"kind": "receivable", "name": "1", "currency": "EUR", "balance": {"amount": "0.00"}},
            {"kind": "receivable", "name": "2", "currency": "EUR", "balance": {"amount": "0.00"}},
            {"kind": "treasury", "name": "main", "currency": "EUR", "balance": {"amount": "40.00"}},
            {
                "kind": "treasury",
                "name": "reserve",
                "currency": "EUR",
                "balance": {"amount": "0.00"},
            },
        ],
    }


async def test_bad_rates_dates_and_funds_are_typed_validation_errors(
    gql: GraphQL, maintainer: str
) -> None:
    body = await gql(
        MOVES,
        _moves(
            receipt={"occurredOn": "2999-01-01"},
            old={"fund": "Main Fund"},
            transfer={"toFund": "main"},
            convert={"fxRate": "1.2e1"},
            refund={"amount": "5.001"},
        ),
        maintainer,
    )
    assert body["data"] == {
        "receipt": {
            "__typename": "ValidationError",
            "message": "occurredOn must not be in the future",
            "field": "occurredOn",
        },
        "old": {
            "__typename": "ValidationError",
            "message": "fund must be 1-40 lower-case letters, digits or inner dashes, "
            "starting with a letter",
            "field": "fund",
        },
        "transfer": {
            "__typename": "ValidationError",
            "message": "a transfer needs two different funds",
            "field": "toFund",
        },
        "convertCurrency": {
            "__typename": "ValidationError",
            "message": "fxRate must be a positive plain decimal string",
            "field": "fxRate",
        },
        "refund": {
            "__typename": "ValidationError",
            "message": "amount has 3 decimals; EUR allows 2",
            "field": "amount",
        },
    }
    integrity = await gql(INTEGRITY)
    assert integrity["data"]["treasury"]["integrity"]["transactions"] == 0


async def test_integrity_names_an_account_whose_balance_was_tampered_with(
    gql: GraphQL, maintainer: str, pool: asyncpg.Pool, check: CheckPass
) -> None:
    await gql(MOVES, _moves(), maintainer)
    tampered = await pool.fetchval(
        "UPDATE treasury_accounts SET balance = balance + 1 "
        "WHERE kind = 'treasury' AND name = 'reserve' RETURNING id"
    )
    await check()
    body = await gql(INTEGRITY)
    assert body["data"]["treasury"]["integrity"] == {
        "ok": False,
        "transactions": 5,
        "unbalancedTransactions": [],
        "mismatchedAccounts": [tampered],
        "unjournaledTransactions": [],
        "journalOk": True,
        "journalReason": "",
    }


async def test_integrity_names_a_transaction_the_journal_does_not_know(
    gql: GraphQL, maintainer: str, pool: asyncpg.Pool, check: CheckPass
) -> None:
    await gql(MOVES, _moves(), maintainer)
    async with pool.acquire() as conn, conn.transaction():
        smuggled = await conn.fetchval(
            "INSERT INTO treasury_transactions (project_id, kind, occurred_on, actor) "
            "SELECT id, 'transfer', current_date, 'mallory' FROM projects RETURNING id"
        )
        await conn.execute(
            "INSERT INTO treasury_entries (project_id, transaction_id, line, account_id, "
            "currency, amount) SELECT project_id, $1, row_number() OVER (ORDER BY id), id, "
            "currency, CASE WHEN name = 'main' THEN -1 ELSE 1 END FROM treasury_accounts "
            "WHERE kind = 'treasury' AND currency = 'EUR'",
            smuggled,
        )
    await check()
    body = await gql(INTEGRITY)
    assert body["data"]["treasury"]["integrity"]["unjournaledTransactions"] == [smuggled]
    assert body["data"]["treasury"]["integrity"]["ok"] is False
