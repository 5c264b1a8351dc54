from __future__ import annotations

import re
from typing import Any

import pytest

from app.runtime import Runtime
from tests.conftest import GraphQL

CREATE = """mutation($i: CreateProjectInput!) { createProject(input: $i) { __typename } }"""
LINK = """
mutation($i: LinkIdentityInput!) {
  linkIdentity(input: $i) {
    __typename
    ... on IdentityPayload { created contributor { number displayName } identity { source login email } }
    ... on ConflictError { message code }
  }
}
"""
RECORD = """
mutation($i: RecordContributionInput!) {
  recordContribution(input: $i) {
    __typename
    ... on ContributionPayload { replayed contribution { kind credit policyVersion creditExplanation naturalKey } }
    ... on ValidationError { message field }
    ... on ConflictError { message code }
    ... on ForbiddenError { message }
  }
}
"""
POLICY = """
mutation($i: SetCreditPolicyInput!) {
  setCreditPolicy(input: $i) {
    __typename
    ... on CreditPolicyPayload { policy { version defaultWeight weights { kind weight } } }
    ... on ValidationError { message field }
  }
}
"""


@pytest.fixture
async def maintainer(gql: GraphQL, admin_token: str, runtime: Runtime) -> str:
    body = await gql(CREATE, {"i": {"slug": "wiki", "name": "Wiki"}}, admin_token)
    assert body["data"]["createProject"]["__typename"] == "ProjectPayload"
    return runtime.tokens.issue("mia", roles={"wiki": "maintainer"})


async def link(gql: GraphQL, token: str, external_id: str, login: str) -> dict[str, Any]:
    variables = {
        "i": {
            "project": "wiki",
            "source": "github",
            "externalId": external_id,
            "login": login,
            "email": f"{login}@example.org",
        }
    }
    body = await gql(LINK, variables, token)
    result: dict[str, Any] = body["data"]["linkIdentity"]
    return result


def contribution(key: str, kind: str = "code", contributor: int = 1) -> dict[str, Any]:
    return {
        "i": {
            "project": "wiki",
            "contributor": contributor,
            "kind": kind,
            "occurredAt": "2026-07-01T10:00:00Z",
            "idempotencyKey": key,
        }
    }


async def test_linking_an_identity_creates_its_contributor_once(
    gql: GraphQL, maintainer: str
) -> None:
    assert await link(gql, maintainer, "101", "ada") == {
        "__typename": "IdentityPayload",
        "created": True,
        "contributor": {"number": 1, "displayName": "ada"},
        "identity": {"source": "github", "login": "ada", "email": "ada@example.org"},
    }
    again = await link(gql, maintainer, "101", "ada")
    assert again["created"] is False


async def test_recording_is_idempotent_and_explains_its_credit(
    gql: GraphQL, maintainer: str
) -> None:
    await link(gql, maintainer, "101", "ada")
    policy = {
        "i": {
            "project": "wiki",
            "weights": [{"kind": "code", "weight": "4.0"}],
            "reason": "code counts more",
        }
    }
    assert (await gql(POLICY, policy, maintainer))["data"]["setCreditPolicy"] == {
        "__typename": "CreditPolicyPayload",
        "policy": {
            "version": 2,
            "defaultWeight": "1.0000",
            "weights": [{"kind": "code", "weight": "4.0000"}],
        },
    }
    first = await gql(RECORD, contribution("c-1"), maintainer)
    expected = {
        "__typename": "ContributionPayload",
        "replayed": False,
        "contribution": {
            "kind": "code",
            "credit": "4.0000",
            "policyVersion": 2,
            "creditExplanation": "4.0 = 1 code x 4.0, policy v2",
            "naturalKey": "manual:c-1",
        },
    }
    assert first["data"]["recordContribution"] == expected
    replay = await gql(RECORD, contribution("c-1"), maintainer)
    assert replay["data"]["recordContribution"] == {**expected, "replayed": True}
    changed = await gql(RECORD, contribution("c-1", kind="doc"), maintainer)
    assert changed["data"]["recordContribution"] == {
        "__typename": "ConflictError",
        "message": "natural key 'manual:c-1' was already recorded with different facts",
        "code": "idempotency_mismatch",
    }


async def test_members_record_only_their_own_work(
    gql: GraphQL, maintainer: str, runtime: Runtime
) -> None:
    await link(gql, maintainer, "101", "ada")
    await link(gql, maintainer, "102", "bob")
    ada = runtime.tokens.issue("ada", roles={"wiki": "member"}, contributor_id=1)
    own = await gql(RECORD, contribution("a-1", contributor=1), ada)
    assert own["data"]["recordContribution"]["__typename"] == "ContributionPayload"
    other = await gql(RECORD, contribution("a-2", contributor=2), ada)
    assert other["data"]["recordContribution"] == {
        "__typename": "ForbiddenError",
        "message": "members record only their own contributions",
    }


async def test_bad_contribution_input_is_a_typed_error(gql: GraphQL, maintainer: str) -> None:
    await link(gql, maintainer, "101", "ada")
    body = await gql(RECORD, contribution("k", kind="juggling"), maintainer)
    assert body["data"]["recordContribution"] == {
        "__typename": "ValidationError",
        "message": "unknown contribution kind 'juggling'",
        "field": "kind",
    }


PAGE = """
query($after: String) {
  project(slug: "wiki") {
    totals { contributions credit contributors }
    contributions(first: 2, after: $after, filter: {kind: "code"}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { naturalKey contributor { displayName } }
    }
    contributors(first: 5) { totalCount nodes { contributions credit contributor { displayName } } }
    contributionsByKind { kind contributions }
  }
}
"""


async def test_contributions_page_by_keyset_newest_first(gql: GraphQL, maintainer: str) -> None:
    await link(gql, maintainer, "101", "ada")
    await link(gql, maintainer, "102", "bob")
    for n, (kind, who) in enumerate(
        [("code", 1), ("doc", 2), ("code", 2), ("code", 1), ("code", 1)]
    ):
        variables = contribution(f"k{n}", kind, who)
        variables["i"]["occurredAt"] = f"2026-07-0{n + 1}T10:00:00Z"
        await gql(RECORD, variables, maintainer)
    first = (await gql(PAGE))["data"]["project"]
    assert first == {
        "totals": {"contributions": 5, "credit": "5.0000", "contributors": 2},
        "contributions": {
            "totalCount": 4,
            "pageInfo": {
                "hasNextPage": True,
                "endCursor": first["contributions"]["pageInfo"]["endCursor"],
            },
            "nodes": [
                {"naturalKey": "manual:k4", "contributor": {"displayName": "ada"}},
                {"naturalKey": "manual:k3", "contributor": {"displayName": "ada"}},
            ],
        },
        "contributors": {
            "totalCount": 2,
            "nodes": [
                {"contributions": 3, "credit": "3.0000", "contributor": {"displayName": "ada"}},
                {"contributions": 2, "credit": "2.0000", "contributor": {"displayName": "bob"}},
            ],
        },
        "contributionsByKind": [
            {"kind": "code", "contributions": 4},
            {"kind": "doc", "contributions": 1},
        ],
    }
    cursor = first["contributions"]["pageInfo"]["endCursor"]
    second = (await gql(PAGE, {"after": cursor}))["data"]["project"]["contributions"]
    assert second["nodes"] == [
        {"naturalKey": "manual:k2", "contributor": {"displayName": "bob"}},
        {"naturalKey": "manual:k0", "contributor": {"displayName": "ada"}},
    ]
    assert second["pageInfo"]["hasNextPage"] is False


JOURNAL = """
{ project(slug: "wiki") { journal { length verify { ok checked brokenSeq reason }
  events(first: 3) { nodes { seq type actor } } } } }
"""


async def test_the_journal_is_readable_and_verifiable_over_graphql(
    gql: GraphQL, maintainer: str
) -> None:
    await link(gql, maintainer, "101", "ada")
    body = await gql(JOURNAL)
    admin, _, mia = (e["actor"] for e in body["data"]["project"]["journal"]["events"]["nodes"])
    # Actors are keyed pseudonyms of the tokens' subjects, never the subjects.
    assert re.fullmatch("token:[0-9a-f]{32}", admin)
    assert re.fullmatch("token:[0-9a-f]{32}", mia)
    assert admin != mia
    assert body == {
        "data": {
            "project": {
                "journal": {
                    "length": 3,
                    "verify": {"ok": True, "checked": 3, "brokenSeq": None, "reason": ""},
                    "events": {
                        "nodes": [
                            {"seq": 1, "type": "project.created", "actor": admin},
                            {"seq": 2, "type": "credit_policy.set", "actor": admin},
                            {"seq": 3, "type": "identity.linked", "actor": mia},
                        ]
                    },
                }
            }
        }
    }


async def test_a_project_reaches_its_treasury_checks(gql: GraphQL, maintainer: str) -> None:
    body = await gql(
        '{ project(slug: "wiki") { treasury { integrity { ok transactions journalOk } } } }'
    )
    assert body == {
        "data": {
            "project": {
                "treasury": {"integrity": {"ok": True, "transactions": 0, "journalOk": True}}
            }
        }
    }


async def test_metadata_holding_an_email_or_ip_address_is_refused(
    gql: GraphQL, maintainer: str
) -> None:
    await link(gql, maintainer, "101", "ada")
    for key, metadata, found in [
        ("m-1", {"commit": "abc", "author_email": "ada@example.org"}, "an email address"),
        ("m-2", {"trailer": "Signed-off-by: Ada <ada@example.org>"}, "an email address"),
        ("m-3", {"edit": {"from": "203.0.113.9"}}, "an IP address"),
    ]:
        variables = contribution(key)
        variables["i"]["metadata"] = metadata
        answer = (await gql(RECORD, variables, maintainer))["data"]["recordContribution"]
        assert answer["__typename"] == "ValidationError"
        assert answer["field"] == "metadata"
        assert found in answer["message"]
    query = '{ project(slug: "wiki") { totals { contributions } } }'
    assert (await gql(query))["data"]["project"]["totals"]["contributions"] == 0


REHASH = """
{ project(slug: "wiki") { journal { headHash events(first: 10) { nodes {
  projectId seq type version body actor recordedAt prevHash hash } } } } }
"""


async def test_a_page_of_events_rehashes_from_the_graphql_fields_alone(
    gql: GraphQL, maintainer: str
) -> None:
    """Recomputed with the RFC 8785 reference and hashlib only, not the project's code."""
    import hashlib

    import rfc8785

    await link(gql, maintainer, "101", "ada")
    journal = (await gql(REHASH))["data"]["project"]["journal"]
    running = bytes(32)
    for event in journal["events"]["nodes"]:
        document = {
            "project_id": event["projectId"],
            "seq": event["seq"],
            "type": event["type"],
            "v": event["version"],
            "body": event["body"],
            "actor": event["actor"],
            "recorded_at": event["recordedAt"],
        }
        assert bytes.fromhex(event["prevHash"]) == running
        running = hashlib.sha256(running + rfc8785.dumps(document)).digest()
        assert running.hex() == event["hash"]
    assert len(journal["events"]["nodes"]) == 3
    assert running.hex() == journal["headHash"]
