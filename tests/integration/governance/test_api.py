"""The vote over GraphQL: whole responses for the life of a proposal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from governance.electorate import electorate_hash
from tests.conftest import GraphQL

ERRORS = """
    ... on ValidationError { message field }
    ... on ForbiddenError { message }
    ... on ConflictError { message code }
    ... on NotFoundError { message }
"""
CREATE = f"""
mutation($i: CreateProposalInput!) {{
  createProposal(input: $i) {{
    __typename
    ... on ProposalPayload {{ proposal {{ number state method options params quorum
        electorate {{ rule size hash }} }} }}
    {ERRORS}
  }}
}}
"""
OPEN = f"""
mutation($i: ProposalRefInput!) {{
  openProposal(input: $i) {{
    __typename
    ... on ProposalPayload {{ proposal {{ state electorate {{ size hash members }} }} }}
    {ERRORS}
  }}
}}
"""
CAST = f"""
mutation($i: CastBallotInput!) {{
  castBallot(input: $i) {{
    __typename
    ... on BallotPayload {{ ballot revision receipt }}
    {ERRORS}
  }}
}}
"""
CLOSE = f"""
mutation($i: ProposalRefInput!) {{
  closeProposal(input: $i) {{
    __typename
    ... on ProposalPayload {{ proposal {{ state outcome tally {{ final outcome passed winners
        turnout electorateSize details }} }} }}
    {ERRORS}
  }}
}}
"""
READ = """
query($n: Int!) {
  proposal(project: "wiki", number: $n) {
    state outcome sheetHash
    tally { final winners schulze { options pairwise considered strongestPaths
        strongestPathLosing ranking dropped } }
    tallySheet { voter castBy receipt ballot }
  }
}
"""


CLOSES_AT = (datetime.now(UTC) + timedelta(days=7)).isoformat()


def create_input(**extra: Any) -> dict[str, Any]:
    return {
        "i": {
            "project": "wiki",
            "title": "Adopt a code of conduct",
            "method": "majority",
            "electorate": {"contributors": [1, 2]},
            "closesAt": CLOSES_AT,
            "idempotencyKey": "proposal-1",
            **extra,
        }
    }


async def expire(pool: asyncpg.Pool, number: int) -> None:
    await pool.execute(
        "UPDATE proposals SET closes_at = clock_timestamp() - interval '1 second' WHERE id = $1",
        number,
    )


async def test_a_majority_vote_from_draft_to_result(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    maint, tokens = setup["maintainer"], setup["tokens"]
    body = await gql(CREATE, create_input(), tokens[1])
    assert body == {
        "data": {
            "createProposal": {
                "__typename": "ProposalPayload",
                "proposal": {
                    "number": 1,
                    "state": "DRAFT",
                    "method": "majority",
                    "options": ["yes", "no", "abstain"],
                    "params": {},
                    "quorum": "0",
                    "electorate": {
                        "rule": {
                            "credit": None,
                            "maintainers": False,
                            "members": False,
                            "contributors": [1, 2],
                        },
                        "size": None,
                        "hash": None,
                    },
                },
            }
        }
    }
    refused = await gql(OPEN, {"i": {"project": "wiki", "number": 1}}, tokens[1])
    assert refused == {
        "data": {
            "openProposal": {
                "__typename": "ForbiddenError",
                "message": "requires the maintainer role on project 'wiki'",
            }
        }
    }
    opened = await gql(OPEN, {"i": {"project": "wiki", "number": 1}}, maint)
    assert opened == {
        "data": {
            "openProposal": {
                "__typename": "ProposalPayload",
                "proposal": {
                    "state": "OPEN",
                    "electorate": {
                        "size": 2,
                        "hash": electorate_hash([1, 2]).hex(),
                        "members": [1, 2],
                    },
                },
            }
        }
    }
    ballot = {"project": "wiki", "number": 1, "ballot": {"choice": "no"}}
    assert (await gql(CAST, {"i": ballot}, tokens[1]))["data"]["castBallot"] == {
        "__typename": "BallotPayload",
        "ballot": {"choice": "no"},
        "revision": 1,
        "receipt": None,
    }
    changed = await gql(CAST, {"i": {**ballot, "ballot": {"choice": "yes"}}}, tokens[1])
    assert changed["data"]["castBallot"]["revision"] == 2
    outsider = await gql(CAST, {"i": ballot}, tokens[3])
    assert outsider == {
        "data": {
            "castBallot": {
                "__typename": "ForbiddenError",
                "message": "you are not in this proposal's electorate",
            }
        }
    }
    malformed = await gql(CAST, {"i": {**ballot, "ballot": {"choice": "maybe"}}}, tokens[2])
    assert malformed == {
        "data": {
            "castBallot": {
                "__typename": "ValidationError",
                "message": "choice must be one of yes, no, abstain",
                "field": "ballot.choice",
            }
        }
    }
    early = await gql(CLOSE, {"i": {"project": "wiki", "number": 1}})
    assert early["data"]["closeProposal"]["__typename"] == "ConflictError"
    assert early["data"]["closeProposal"]["code"] == "not_due"
    await expire(pool, 1)
    late = await gql(CAST, {"i": ballot}, tokens[2])
    assert late["data"]["castBallot"]["code"] == "voting_closed"
    closed = await gql(CLOSE, {"i": {"project": "wiki", "number": 1}})
    assert closed == {
        "data": {
            "closeProposal": {
                "__typename": "ProposalPayload",
                "proposal": {
                    "state": "CLOSED",
                    "outcome": "passed",
                    "tally": {
                        "final": True,
                        "outcome": "passed",
                        "passed": True,
                        "winners": ["yes"],
                        "turnout": 1,
                        "electorateSize": 2,
                        "details": {
                            "yes": 1,
                            "no": 0,
                            "abstain": 0,
                            "threshold": {"ratio": "1:1", "strict": True},
                        },
                    },
                },
            }
        }
    }
    again = await gql(CLOSE, {"i": {"project": "wiki", "number": 1}})
    assert again == {
        "data": {
            "closeProposal": {
                "__typename": "ConflictError",
                "message": "proposal 1 is closed, not open",
                "code": "proposal_state",
            }
        }
    }


async def test_the_voter_comes_from_the_token_and_anonymous_callers_cannot_vote(
    gql: GraphQL, setup: dict[str, Any]
) -> None:
    await gql(CREATE, create_input(), setup["tokens"][1])
    await gql(OPEN, {"i": {"project": "wiki", "number": 1}}, setup["maintainer"])
    ballot = {"project": "wiki", "number": 1, "ballot": {"choice": "yes"}}
    anonymous = await gql(CAST, {"i": ballot})
    assert anonymous == {
        "data": {
            "castBallot": {
                "__typename": "ForbiddenError",
                "message": "this action needs a token bound to a contributor",
            }
        }
    }
    extra = await gql(CAST, {"i": {**ballot, "voter": 2}}, setup["tokens"][1])
    assert "errors" in extra
    assert extra["data"] is None


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"method": "borda"}, "method"),
        ({"kind": "coup"}, "kind"),
        ({"title": " "}, "title"),
        ({"quorum": "3/2"}, "quorum"),
        ({"closesAt": "2001-01-01T00:00:00Z"}, "closesAt"),
        ({"closesAt": "2001-01-01T00:00:00"}, "closesAt"),
        ({"electorate": {}}, "electorate"),
        ({"electorate": {"minCredit": "lots"}}, "electorate.minCredit"),
        ({"method": "approval", "options": ["a"]}, "options"),
        ({"method": "supermajority", "params": {"threshold": "1:0"}}, "params.threshold"),
        ({"method": "schulze", "options": ["a"], "kind": "expense"}, "method"),
    ],
)
async def test_malformed_proposals_get_validation_errors_and_write_nothing(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool, extra: dict[str, Any], field: str
) -> None:
    body = await gql(CREATE, create_input(**extra), setup["tokens"][1])
    assert body["data"]["createProposal"]["__typename"] == "ValidationError"
    assert body["data"]["createProposal"]["field"] == field
    assert await pool.fetchval("SELECT count(*) FROM proposals") == 0


async def test_a_schulze_result_publishes_its_matrices(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    tokens = setup["tokens"]
    made = await gql(
        CREATE,
        create_input(
            method="schulze", options=["Tabs", "Spaces"], electorate={"contributors": [1, 2, 3]}
        ),
        tokens[1],
    )
    assert made["data"]["createProposal"]["proposal"]["options"] == ["Tabs", "Spaces"]
    await gql(OPEN, {"i": {"project": "wiki", "number": 1}}, setup["maintainer"])
    rankings = {1: ["Tabs", "Spaces"], 2: ["Spaces", "None of the above"], 3: ["Tabs"]}
    for voter, ranking in rankings.items():
        done = await gql(
            CAST,
            {"i": {"project": "wiki", "number": 1, "ballot": {"ranking": ranking}}},
            tokens[voter],
        )
        assert done["data"]["castBallot"]["__typename"] == "BallotPayload"
    await expire(pool, 1)
    await gql(CLOSE, {"i": {"project": "wiki", "number": 1}})
    body = await gql(READ, {"n": 1})
    proposal = body["data"]["proposal"]
    assert proposal["tally"] == {
        "final": True,
        "winners": ["Tabs"],
        "schulze": {
            "options": ["Tabs", "Spaces", "None of the above"],
            "pairwise": [[0, 2, 2], [1, 0, 2], [1, 0, 0]],
            "considered": ["Tabs", "Spaces", "None of the above"],
            "strongestPaths": [[0, 2, 2], [0, 0, 2], [0, 0, 0]],
            "strongestPathLosing": [[0, 1, 1], [0, 0, 0], [0, 0, 0]],
            "ranking": ["Tabs", "Spaces", "None of the above"],
            "dropped": [],
        },
    }
    assert proposal["tallySheet"] == [
        {"voter": 1, "castBy": 1, "receipt": None, "ballot": {"ranking": [["Tabs"], ["Spaces"]]}},
        {
            "voter": 2,
            "castBy": 2,
            "receipt": None,
            "ballot": {"ranking": [["Spaces"], ["None of the above"]]},
        },
        {"voter": 3, "castBy": 3, "receipt": None, "ballot": {"ranking": [["Tabs"]]}},
    ]
    assert len(proposal["sheetHash"]) == 64
    persisted = await gql.client.post(
        "/graphql/persisted/ProposalResult", json={"variables": {"slug": "wiki", "number": 1}}
    )
    published = persisted.json()["data"]["project"]["proposal"]
    assert published["tally"]["schulze"] == proposal["tally"]["schulze"]
    assert published["tallySheet"] == proposal["tallySheet"]
    assert published["voters"] is None  # a public sheet names its voters itself
    assert (published["state"], published["outcome"], published["sheetHash"]) == (
        "CLOSED",
        "passed",
        proposal["sheetHash"],
    )


async def test_replaying_create_proposal_returns_the_first_proposal(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    query = """mutation($i: CreateProposalInput!) { createProposal(input: $i) { __typename
        ... on ProposalPayload { replayed proposal { number title } }
        ... on ConflictError { code } } }"""
    first = await gql(query, create_input(), setup["tokens"][1])
    again = await gql(query, create_input(), setup["tokens"][1])
    other = await gql(query, create_input(title="Something else"), setup["tokens"][1])
    assert [first, again, other] == [
        {
            "data": {
                "createProposal": {
                    "__typename": "ProposalPayload",
                    "replayed": replayed,
                    "proposal": {"number": 1, "title": "Adopt a code of conduct"},
                }
            }
        }
        for replayed in (False, True)
    ] + [
        {
            "data": {
                "createProposal": {"__typename": "ConflictError", "code": "idempotency_mismatch"}
            }
        }
    ]
    assert await pool.fetchval("SELECT count(*) FROM proposals") == 1


@pytest.mark.parametrize(
    ("method", "options", "params", "first", "final", "outcome"),
    [
        ("majority", [], None, {"choice": "no"}, {"choice": "yes"}, "passed"),
        (
            "supermajority",
            [],
            {"threshold": {"ratio": "3:1", "strict": True}},
            {"choice": "yes"},
            {"choice": "no"},
            "failed",
        ),
        (
            "approval",
            ["a", "b"],
            {"min": 1, "max": 1},
            {"approve": ["a"]},
            {"approve": ["b"]},
            "passed",
        ),
        ("schulze", ["a", "b"], None, {"ranking": ["a"]}, {"ranking": ["b", "a"]}, "passed"),
        (
            "lazy_consensus",
            [],
            None,
            {"choice": "support"},
            {"choice": "veto", "reason": "too soon"},
            "failed",
        ),
        (
            "consent",
            [],
            None,
            {"choice": "object", "reason": "no"},
            {"choice": "consent"},
            "passed",
        ),
    ],
)
async def test_every_method_takes_a_changed_ballot_and_decides_at_close(
    gql: GraphQL,
    setup: dict[str, Any],
    pool: asyncpg.Pool,
    method: str,
    options: list[str],
    params: dict[str, Any] | None,
    first: dict[str, Any],
    final: dict[str, Any],
    outcome: str,
) -> None:
    made = await gql(
        CREATE, create_input(method=method, options=options, params=params), setup["tokens"][1]
    )
    assert made["data"]["createProposal"]["__typename"] == "ProposalPayload", made
    await gql(OPEN, {"i": {"project": "wiki", "number": 1}}, setup["maintainer"])
    for ballot, revision in ((first, 1), (final, 2)):
        done = await gql(
            CAST, {"i": {"project": "wiki", "number": 1, "ballot": ballot}}, setup["tokens"][1]
        )
        assert done["data"]["castBallot"]["revision"] == revision, done
    await expire(pool, 1)
    closed = await gql(CLOSE, {"i": {"project": "wiki", "number": 1}})
    proposal = closed["data"]["closeProposal"]["proposal"]
    assert (proposal["state"], proposal["outcome"], proposal["tally"]["turnout"]) == (
        "CLOSED",
        outcome,
        1,
    )
    mine = await gql(
        '{ proposal(project: "wiki", number: 1) { myBallot } }', token=setup["tokens"][1]
    )
    assert mine["data"]["proposal"]["myBallot"] == (
        {"ranking": [["b"], ["a"]]} if method == "schulze" else final
    )
