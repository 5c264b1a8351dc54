"""The treasurer's tools through GraphQL: recurring pledges posted per period with
overdue tracking and cancellation, fees as their own transactions, in-kind support
that never adds to money held, goals, budgets and stated exchange rates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app.runtime import Runtime
from ledger.treasury.schedule import add_months
from tests.conftest import GraphQL

ERRORS = """
    ... on ValidationError { message field }
    ... on NotFoundError { message }
    ... on ConflictError { message code }
"""
TX = "number kind occurredOn dueOn installment feeOf amount: entries { amount { amount } }"
SPONSORSHIP = f"""
mutation($input: RecordSponsorshipInput!) {{
  recordSponsorship(input: $input) {{
    __typename ... on SponsorshipPayload {{ pledge {{ number }} installments {{ {TX} }} }}
    {ERRORS}
  }}
}}"""
RECEIPT = f"""
mutation($input: RecordReceiptInput!) {{
  recordReceipt(input: $input) {{
    __typename
    ... on TreasuryTransactionPayload {{ transaction {{ number }} fees {{ number kind feeOf payee }} }}
    {ERRORS}
  }}
}}"""
DUE = f"""
mutation($input: PostDuePledgesInput!) {{
  postDuePledges(input: $input) {{
    __typename ... on DuePledgesPayload {{ pledges {{ installment }} replayed }} {ERRORS}
  }}
}}"""
CANCEL = f"""
mutation($input: CancelRecurringPledgeInput!) {{
  cancelRecurringPledge(input: $input) {{
    __typename ... on PledgeCancellationPayload {{ cancellation {{ effectiveOn reason }} }}
    {ERRORS}
  }}
}}"""
PLEDGES = """
query {
  treasury(project: "linux") {
    pledges { transaction installment dueOn open { amount } overdue }
    recurringPledges { sponsorship recurrence installmentsPosted nextDueOn
                       cancellation { effectiveOn } }
  }
}"""
IN_KIND = f"""
mutation($input: RecordInKindInput!) {{
  recordInKind(input: $input) {{
    __typename ... on InKindPayload {{ transaction {{ kind purpose }} }} {ERRORS}
  }}
}}"""
BALANCES = """
query { treasury(project: "linux") { balances { kind name balance { amount } } } }
"""
PLANS = f"""
mutation($goal: SetFundingGoalInput!, $budget: SetBudgetInput!,
         $rate: RecordExchangeRateInput!) {{
  setFundingGoal(input: $goal) {{
    __typename ... on FundingGoalPayload {{ goal {{ fund title target {{ amount }} }} }} {ERRORS}
  }}
  setBudget(input: $budget) {{
    __typename ... on BudgetPayload {{ budget {{ category planned {{ amount }} }} }} {ERRORS}
  }}
  recordExchangeRate(input: $rate) {{
    __typename ... on ExchangeRatePayload {{ rate {{ rate source }} replayed }} {ERRORS}
  }}
}}"""
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
    await gql(
        'mutation { setTreasuryPolicy(input: {project: "linux", allowOverdraft: false, '
        'maintainerApproval: true, reportingCurrency: "EUR"}) { __typename } }',
        token=token,
    )
    await gql(
        "mutation($i: RecordSponsorInput!) { recordSponsor(input: $i) { __typename } }",
        {"i": {"project": "linux", "organisation": "IBM"}},
        token,
    )
    return token


def _input(**fields: Any) -> dict[str, Any]:
    return {"input": {"project": "linux", **fields}}


async def test_a_recurring_pledge_is_a_receivable_per_period_until_it_is_cancelled(
    today: date, gql: GraphQL, maintainer: str
) -> None:
    start = add_months(today, -2)
    body = await gql(
        SPONSORSHIP,
        _input(
            sponsor=1,
            kind="RECURRING_PLEDGE",
            terms=TERMS,
            idempotencyKey="s",
            amount="100.00",
            currency="EUR",
            recurrence="monthly",
            periodStart=start.isoformat(),
            pledge=True,
        ),
        maintainer,
    )
    due = [start, add_months(start, 1), add_months(start, 2)]
    assert body["data"]["recordSponsorship"] == {
        "__typename": "SponsorshipPayload",
        "pledge": None,
        "installments": [
            {
                "number": n,
                "kind": "PLEDGE",
                "occurredOn": day.isoformat(),
                "dueOn": day.isoformat(),
                "installment": n,
                "feeOf": None,
                "amount": [{"amount": {"amount": "100.00"}}, {"amount": {"amount": "-100.00"}}],
            }
            for n, day in enumerate(due, start=1)
        ],
    }
    await gql(
        RECEIPT, _input(sponsor=1, amount="100.00", currency="EUR", idempotencyKey="r"), maintainer
    )
    state = (await gql(PLEDGES))["data"]["treasury"]
    assert state["pledges"] == [
        {"transaction": 2, "installment": 2, "dueOn": due[1].isoformat(),
         "open": {"amount": "100.00"}, "overdue": True},
        {"transaction": 3, "installment": 3, "dueOn": due[2].isoformat(),
         "open": {"amount": "100.00"}, "overdue": due[2] < today},  # today, or before at month ends
    ]  # fmt: skip
    next_due = add_months(start, 3).isoformat()
    assert state["recurringPledges"] == [
        {"sponsorship": 1, "recurrence": "monthly", "installmentsPosted": 3,
         "nextDueOn": next_due, "cancellation": None},
    ]  # fmt: skip
    again = await gql(DUE, _input(idempotencyKey="d"), maintainer)
    assert again["data"]["postDuePledges"] == {
        "__typename": "DuePledgesPayload",
        "pledges": [],
        "replayed": False,
    }
    future = await gql(
        DUE, _input(idempotencyKey="f", asOf=(today + timedelta(days=40)).isoformat()), maintainer
    )
    assert future["data"]["postDuePledges"] == {
        "__typename": "ValidationError",
        "message": "asOf must not be in the future",
        "field": "asOf",
    }
    early = await gql(
        CANCEL,
        _input(
            sponsorship=1, reason="moving on", idempotencyKey="c0", effectiveOn=due[2].isoformat()
        ),
        maintainer,
    )
    assert early["data"]["cancelRecurringPledge"]["__typename"] == "ValidationError"
    tomorrow = (today + timedelta(days=1)).isoformat()
    cancel = _input(sponsorship=1, reason="moving on", idempotencyKey="c1", effectiveOn=tomorrow)
    done = await gql(CANCEL, cancel, maintainer)
    assert done["data"]["cancelRecurringPledge"] == {
        "__typename": "PledgeCancellationPayload",
        "cancellation": {"effectiveOn": tomorrow, "reason": "moving on"},
    }
    twice = await gql(CANCEL, {"input": {**cancel["input"], "idempotencyKey": "c2"}}, maintainer)
    assert twice["data"]["cancelRecurringPledge"] == {
        "__typename": "ConflictError",
        "message": "sponsorship 1 was cancelled already",
        "code": "already_cancelled",
    }
    state = (await gql(PLEDGES))["data"]["treasury"]
    assert state["recurringPledges"][0]["nextDueOn"] is None
    assert state["recurringPledges"][0]["cancellation"] == {"effectiveOn": tomorrow}


async def test_fees_are_their_own_transactions_and_in_kind_support_is_no_money(
    gql: GraphQL, maintainer: str
) -> None:
    fees = [
        {"kind": "PROCESSOR", "amount": "3.20", "payee": "Stripe"},
        {"kind": "HOST", "amount": "5.00", "payee": "Open Source Collective"},
    ]
    paid = await gql(
        RECEIPT,
        _input(sponsor=1, amount="100.00", currency="EUR", idempotencyKey="r", fees=fees),
        maintainer,
    )
    assert paid["data"]["recordReceipt"] == {
        "__typename": "TreasuryTransactionPayload",
        "transaction": {"number": 1},
        "fees": [
            {"number": 2, "kind": "FEE", "feeOf": 1, "payee": "Stripe"},
            {"number": 3, "kind": "FEE", "feeOf": 1, "payee": "Open Source Collective"},
        ],
    }
    given = await gql(
        IN_KIND,
        _input(
            sponsor=1,
            amount="250.00",
            currency="EUR",
            category="hosting",
            description="A year of a build server",
            idempotencyKey="k",
        ),
        maintainer,
    )
    assert given["data"]["recordInKind"] == {
        "__typename": "InKindPayload",
        "transaction": {"kind": "IN_KIND", "purpose": "A year of a build server"},
    }
    balances = (await gql(BALANCES))["data"]["treasury"]["balances"]
    assert {f"{b['kind']}:{b['name']}": b["balance"]["amount"] for b in balances} == {
        "fee:host": "5.00",
        "fee:processor": "3.20",
        "in_kind:1": "-250.00",
        "in_kind_use:hosting": "250.00",
        "income:1": "-100.00",
        "receivable:1": "0.00",
        "treasury:main": "91.80",
    }
    too_much = await gql(
        RECEIPT,
        _input(
            sponsor=1,
            amount="1.00",
            currency="EUR",
            idempotencyKey="x",
            fees=[{"kind": "HOST", "amount": "1.01", "payee": "Host"}],
        ),
        maintainer,
    )
    assert too_much["data"]["recordReceipt"] == {
        "__typename": "ValidationError",
        "message": "the fees are larger than the money received",
        "field": "fees",
    }
    odd = await gql(
        IN_KIND,
        _input(
            sponsor=1,
            amount="1.00",
            currency="EUR",
            category="goodwill",
            description="x",
            idempotencyKey="y",
        ),
        maintainer,
    )
    assert odd["data"]["recordInKind"]["field"] == "category"


async def test_goals_count_money_received_and_budgets_count_what_was_spent(
    today: date, gql: GraphQL, maintainer: str
) -> None:
    start = (today - timedelta(days=30)).isoformat()
    variables = {
        "goal": {"project": "linux", "amount": "1000.00", "currency": "EUR",
                 "title": "A new laptop", "startsOn": start, "idempotencyKey": "g"},
        "budget": {"project": "linux", "category": "hosting", "amount": "500.00",
                   "currency": "EUR", "startsOn": start, "endsOn": today.isoformat(),
                   "idempotencyKey": "b"},
        "rate": {"project": "linux", "currency": "USD", "quote": "EUR", "rate": "0.9150",
                 "quotedOn": start, "source": "ECB", "idempotencyKey": "x"},
    }  # fmt: skip
    body = await gql(PLANS, variables, maintainer)
    assert body["data"] == {
        "setFundingGoal": {
            "__typename": "FundingGoalPayload",
            "goal": {"fund": None, "title": "A new laptop", "target": {"amount": "1000.00"}},
        },
        "setBudget": {
            "__typename": "BudgetPayload",
            "budget": {"category": "hosting", "planned": {"amount": "500.00"}},
        },
        "recordExchangeRate": {
            "__typename": "ExchangeRatePayload",
            "rate": {"rate": "0.9150", "source": "ECB"},
            "replayed": False,
        },
    }
    await gql(
        RECEIPT, _input(sponsor=1, amount="400.00", currency="EUR", idempotencyKey="r"), maintainer
    )
    await gql(
        "mutation($input: RecordExpenseInput!) { recordExpense(input: $input) { __typename } }",
        _input(
            amount="120.00",
            currency="EUR",
            payee="Hetzner",
            purpose="servers",
            evidenceUrl="https://example.org/i/1",
            idempotencyKey="e",
            category="hosting",
        ),
        maintainer,
    )
    state = await gql(
        'query { treasury(project: "linux") { goals { raised { amount } progress } '
        "budgets { actual { amount } remaining { amount } } "
        "exchangeRates { currency quote rate } policy { reportingCurrency } } }"
    )
    assert state["data"]["treasury"] == {
        "goals": [{"raised": {"amount": "400.00"}, "progress": "0.4000"}],
        "budgets": [{"actual": {"amount": "120.00"}, "remaining": {"amount": "380.00"}}],
        "exchangeRates": [{"currency": "USD", "quote": "EUR", "rate": "0.9150"}],
        "policy": {"reportingCurrency": "EUR"},
    }
    odd = await gql('query { treasury(project: "linux") { exchangeRates(quote: "eur") { rate } } }')
    assert odd["errors"][0]["extensions"]["code"] == "invalid_input"
    variables["rate"] = {**variables["rate"], "rate": "0.9200", "idempotencyKey": "x2"}
    again = await gql(PLANS, {**variables, "goal": {**variables["goal"], "idempotencyKey": "g2"},
                              "budget": {**variables["budget"], "idempotencyKey": "b2"}},
                      maintainer)  # fmt: skip
    assert again["data"]["recordExchangeRate"] == {
        "__typename": "ConflictError",
        "message": f"a USD/EUR rate for {start} is stated already (0.9150, ECB)",
        "code": "already_exists",
    }


REFUND = f"""
mutation($input: RefundInput!) {{
  refund(input: $input) {{
    __typename ... on TreasuryTransactionPayload {{ transaction {{ refundOf }} }} {ERRORS}
  }}
}}"""


async def test_a_refund_names_the_receipt_it_returns_and_never_exceeds_it(
    gql: GraphQL, maintainer: str
) -> None:
    await gql(
        "mutation($i: RecordSponsorInput!) { recordSponsor(input: $i) { __typename } }",
        {"i": {"project": "linux", "organisation": "Red Hat"}},
        maintainer,
    )
    for key, sponsor, amount in (("a", 1, "30.00"), ("b", 1, "70.00"), ("c", 2, "50.00")):
        await gql(
            RECEIPT,
            _input(sponsor=sponsor, amount=amount, currency="EUR", idempotencyKey=key),
            maintainer,
        )

    async def back(key: str, amount: str, receipt: int, sponsor: int = 1) -> dict[str, Any]:
        body = await gql(
            REFUND,
            _input(
                sponsor=sponsor, amount=amount, currency="EUR", idempotencyKey=key, receipt=receipt
            ),
            maintainer,
        )
        result: dict[str, Any] = body["data"]["refund"]
        return result

    assert await back("f1", "20.00", 1) == {
        "__typename": "TreasuryTransactionPayload",
        "transaction": {"refundOf": 1},
    }
    assert await back("f2", "10.01", 1) == {
        "__typename": "ConflictError",
        "message": "receipt 1 was 30.00 EUR, of which 20.00 EUR is refunded already",
        "code": "refund_exceeds_receipts",
    }
    await gql(
        "mutation($input: ReverseTransactionInput!) { reverseTransaction(input: $input) { "
        "__typename } }",
        _input(transaction=4, idempotencyKey="undo"),
        maintainer,
    )
    assert (await back("f5", "30.00", 1))["transaction"] == {"refundOf": 1}  # f1 was undone
    assert (await back("f3", "10.00", 3))["field"] == "receipt"  # Red Hat's receipt
    assert (await back("f4", "10.00", 3, sponsor=2))["transaction"] == {"refundOf": 3}
