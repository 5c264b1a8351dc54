from __future__ import annotations

import asyncpg

from app.runtime import Runtime
from licenses.dco import record_signoffs
from tests.conftest import GraphQL
from tests.integration.licenses.conftest import World, at, contribute

SHA = "a" * 40


async def covered_and_uncovered(pool: asyncpg.Pool, world: World) -> None:
    """Ada: a signed-off commit (covered by DCO) and an unsigned doc; Bob: an unsigned commit."""
    signed = await contribute(
        pool,
        world.project.id,
        world.ada,
        at(3),
        f"commit:{SHA}",
        metadata={"commit": SHA, "signoffs": [world.ada]},
    )
    await contribute(pool, world.project.id, world.ada, at(5, 2), "doc-1", kind="doc")
    await contribute(pool, world.project.id, world.bob, at(7, 2), "commit:b")
    async with pool.acquire() as conn, conn.transaction():
        done = await record_signoffs(conn, world.project.id, [signed], "x")
        assert done == 1


async def test_coverage_by_kind_and_month_flags_required_kinds(
    gql: GraphQL, runtime: Runtime, world: World, pool: asyncpg.Pool
) -> None:
    await covered_and_uncovered(pool, world)
    token = runtime.tokens.issue("mia", roles={"demo": "maintainer"})
    required = await gql(
        """
        mutation {
          setCoverageRequirement(input: {project: "demo", kinds: ["code"]}) {
            __typename ... on CoverageRequirementPayload { requiredKinds }
          }
        }
        """,
        token=token,
    )
    assert required["data"]["setCoverageRequirement"] == {
        "__typename": "CoverageRequirementPayload",
        "requiredKinds": ["code"],
    }
    body = await gql(
        """
        {
          licenseCoverage(project: "demo", period: MONTH) {
            total covered uncovered percentage requiredKinds flagged
            rows { kind period total covered uncovered percentage required }
          }
        }
        """
    )
    assert body == {
        "data": {
            "licenseCoverage": {
                "total": 3,
                "covered": 1,
                "uncovered": 2,
                "percentage": 33.33,
                "requiredKinds": ["code"],
                "flagged": 1,
                "rows": [
                    {
                        "kind": "code",
                        "period": "2025-01-01",
                        "total": 1,
                        "covered": 1,
                        "uncovered": 0,
                        "percentage": 100.0,
                        "required": True,
                    },
                    {
                        "kind": "code",
                        "period": "2025-02-01",
                        "total": 1,
                        "covered": 0,
                        "uncovered": 1,
                        "percentage": 0.0,
                        "required": True,
                    },
                    {
                        "kind": "doc",
                        "period": "2025-02-01",
                        "total": 1,
                        "covered": 0,
                        "uncovered": 1,
                        "percentage": 0.0,
                        "required": False,
                    },
                ],
            }
        }
    }


async def test_uncovered_contributions_page_newest_first(
    gql: GraphQL, world: World, pool: asyncpg.Pool
) -> None:
    await covered_and_uncovered(pool, world)
    query = """
    query($after: String) {
      uncoveredContributions(project: "demo", first: 1, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { flagged contribution { naturalKey kind } }
      }
    }
    """
    first = (await gql(query))["data"]["uncoveredContributions"]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"], first["nodes"]) == (
        2,
        True,
        [{"flagged": False, "contribution": {"naturalKey": "commit:b", "kind": "code"}}],
    )
    second = await gql(query, {"after": first["pageInfo"]["endCursor"]})
    assert second["data"]["uncoveredContributions"]["nodes"] == [
        {"flagged": False, "contribution": {"naturalKey": "doc-1", "kind": "doc"}}
    ]
    assert second["data"]["uncoveredContributions"]["pageInfo"]["hasNextPage"] is False


async def test_each_contributor_shows_their_grant_status(
    gql: GraphQL, world: World, pool: asyncpg.Pool
) -> None:
    await covered_and_uncovered(pool, world)
    body = await gql(
        """
        {
          contributorGrantStatus(project: "demo") {
            totalCount
            nodes {
              contributor { displayName } contributions covered uncovered status
              grants { instrument licenseExpression commit textSha256 }
            }
          }
        }
        """
    )
    assert body == {
        "data": {
            "contributorGrantStatus": {
                "totalCount": 2,
                "nodes": [
                    {
                        "contributor": {"displayName": "Ada"},
                        "contributions": 2,
                        "covered": 1,
                        "uncovered": 1,
                        "status": "PARTIAL",
                        "grants": [
                            {
                                "instrument": "DCO",
                                "licenseExpression": "GPL-2.0-or-later",
                                "commit": SHA,
                                "textSha256": "f7ac75b443f4ca16b503241344b41aeff9503b0c30bedc2b119551d83cb0fa90",
                            }
                        ],
                    },
                    {
                        "contributor": {"displayName": "Bob"},
                        "contributions": 1,
                        "covered": 0,
                        "uncovered": 1,
                        "status": "UNCOVERED",
                        "grants": [],
                    },
                ],
            }
        }
    }


async def test_a_withdrawn_grant_and_trademark_notices_are_visible(
    gql: GraphQL, runtime: Runtime, world: World, pool: asyncpg.Pool
) -> None:
    await covered_and_uncovered(pool, world)
    token = runtime.tokens.issue("mia", roles={"demo": "maintainer"})
    ada = runtime.tokens.issue("ada", contributor_id=world.ada)
    bob = runtime.tokens.issue("bob", contributor_id=world.bob)
    withdraw = """
    mutation {
      withdrawGrant(input: {project: "demo", grant: 1, reason: "moved on"}) {
        __typename
        ... on GrantPayload { grant { number withdrawalReason } }
        ... on ForbiddenError { message }
      }
    }
    """
    assert (await gql(withdraw, token=bob))["data"]["withdrawGrant"] == {
        "__typename": "ForbiddenError",
        "message": "requires the maintainer role on project 'demo'",
    }
    assert (await gql(withdraw, token=ada))["data"]["withdrawGrant"] == {
        "__typename": "GrantPayload",
        "grant": {"number": 1, "withdrawalReason": "moved on"},
    }
    covering = await gql('{ contributionGrant(project: "demo", contribution: 1) { number } }')
    assert covering == {"data": {"contributionGrant": {"number": 1}}}
    notice = await gql(
        """
        mutation {
          setTrademarkNotice(input: {project: "demo", mark: "Demo", owner: "Demo Foundation",
              notice: "Demo is a registered trademark of the Demo Foundation.",
              policyUrl: "https://demo.example/trademarks"}) {
            __typename ... on TrademarkNoticePayload { notice { mark owner policyUrl } }
          }
        }
        """,
        token=token,
    )
    assert notice["data"]["setTrademarkNotice"] == {
        "__typename": "TrademarkNoticePayload",
        "notice": {
            "mark": "Demo",
            "owner": "Demo Foundation",
            "policyUrl": "https://demo.example/trademarks",
        },
    }
    listed = await gql(
        '{ trademarkNotices(project: "demo") { mark notice }'
        ' grants(project: "demo") { totalCount nodes { trademarkExcluded exclusive } }'
        ' agreementTexts(project: "demo") { instrument version title } }'
    )
    assert listed == {
        "data": {
            "trademarkNotices": [
                {"mark": "Demo", "notice": "Demo is a registered trademark of the Demo Foundation."}
            ],
            "grants": {
                "totalCount": 1,
                "nodes": [{"trademarkExcluded": True, "exclusive": False}],
            },
            "agreementTexts": [
                {
                    "instrument": "DCO",
                    "version": 1,
                    "title": "Developer Certificate of Origin 1.1",
                }
            ],
        }
    }
    types = [
        r["type"]
        for r in await pool.fetch(
            "SELECT type FROM journal_events WHERE project_id = $1 ORDER BY seq DESC LIMIT 2",
            world.project.id,
        )
    ]
    assert types == ["trademark.notice_set", "grant.withdrawn"]
