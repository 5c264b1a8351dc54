"""Everything of a project under ``Project``, Relay paging both ways, orders, bots left
out on request, global ids where numbers were asked for, and ``nodes(ids:)``."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from app.demo import seed_demo
from ledger.journal import heads as tree_heads
from ledger.journal.keys import TREE_HEADS, KeyRing
from tests.conftest import GraphQL

NESTED = """
query {
  project(slug: "aurora") {
    proposals { totalCount nodes { number state } }
    grants(first: 100) { totalCount }
    coverage { total covered }
    treasury { policy { allowOverdraft maintainerApproval } }
    sponsors { name }
    sponsorships { number }
    delegations { delegator }
    agreementTexts { version }
    treeHead { treeSize rootHash }
  }
}
"""
ROOTS = """
query {
  proposals(project: "aurora") { totalCount nodes { number state } }
  grants(project: "aurora", first: 100) { totalCount }
  licenseCoverage(project: "aurora") { total covered }
  treasury(project: "aurora") { policy { allowOverdraft maintainerApproval } }
  sponsors(project: "aurora") { name }
  sponsorships(project: "aurora") { number }
  delegations(project: "aurora") { delegator }
  agreementTexts(project: "aurora") { version }
  treeHead(project: "aurora") { treeSize rootHash }
}
"""
PAGE = """
query($first: Int, $after: String, $last: Int, $before: String, $order: ContributorOrder) {
  project(slug: "aurora") {
    contributors(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { contributions credit lastAt contributor { number } }
    }
  }
}
"""


@pytest.fixture
async def demo(pool: asyncpg.Pool) -> None:
    await seed_demo(pool, contributors=40, contributions=400)
    async with pool.acquire() as conn:  # what the background publisher would sign
        project_id = await conn.fetchval("SELECT id FROM projects WHERE slug = 'aurora'")
        await tree_heads.publish_head(conn, project_id, "aurora", KeyRing.generate(TREE_HEADS))


async def _page(gql: GraphQL, **variables: Any) -> dict[str, Any]:
    body = await gql(PAGE, variables)
    assert "errors" not in body, body
    page: dict[str, Any] = body["data"]["project"]["contributors"]
    return page


async def test_one_request_reads_every_area_of_a_project(gql: GraphQL, demo: None) -> None:
    nested = await gql(NESTED)
    roots = await gql(ROOTS)
    assert "errors" not in nested
    project = nested["data"]["project"]
    old = roots["data"]
    assert project["proposals"] == old["proposals"]
    assert project["proposals"]["totalCount"] == 7  # six decided, one open
    assert project["grants"] == old["grants"]
    assert project["grants"]["totalCount"] > 0
    assert project["coverage"] == old["licenseCoverage"]
    assert project["treasury"] == old["treasury"]
    assert project["sponsors"] == old["sponsors"]
    assert len(project["sponsors"]) > 1
    assert project["sponsorships"] == old["sponsorships"]
    assert project["delegations"] == old["delegations"]
    assert project["agreementTexts"] == old["agreementTexts"]
    assert project["treeHead"] == old["treeHead"]


async def test_contributors_page_forwards_and_backwards_alike(gql: GraphQL, demo: None) -> None:
    forward: list[dict[str, Any]] = []
    after = None
    while True:
        page = await _page(gql, first=7, after=after)
        forward += page["nodes"]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(forward) == page["totalCount"]
    assert len({n["contributor"]["number"] for n in forward}) == len(forward) > 30
    backward: list[dict[str, Any]] = []
    before = None
    while True:
        page = await _page(gql, last=7, before=before)
        backward = page["nodes"] + backward
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == forward
    credits = [float(n["credit"]) for n in forward]
    assert credits == sorted(credits, reverse=True)


async def test_contributors_may_be_ordered_by_other_figures(gql: GraphQL, demo: None) -> None:
    by_count = await _page(gql, first=50, order={"field": "CONTRIBUTIONS", "direction": "DESC"})
    counts = [n["contributions"] for n in by_count["nodes"]]
    assert counts == sorted(counts, reverse=True)
    recent = await _page(gql, first=10, order={"field": "LAST_CONTRIBUTION", "direction": "ASC"})
    times = [n["lastAt"] for n in recent["nodes"]]
    assert times == sorted(times)
    rest = await _page(
        gql,
        first=50,
        after=recent["pageInfo"]["endCursor"],
        order={"field": "LAST_CONTRIBUTION", "direction": "ASC"},
    )
    assert len(rest["nodes"]) == by_count["totalCount"] - 10
    assert rest["nodes"][0]["lastAt"] >= times[-1]


async def test_paging_both_ways_at_once_is_refused(gql: GraphQL, demo: None) -> None:
    body = await gql(PAGE, {"first": 2, "last": 2})
    assert body["data"] == {"project": None}
    assert body["errors"][0]["message"] == "page with first/after or with last/before, not both"
    assert body["errors"][0]["extensions"] == {"code": "invalid_input"}


async def test_contributions_oldest_first_and_without_bots(gql: GraphQL, demo: None) -> None:
    query = """
    query($filter: ContributionFilter, $order: ContributionOrder) {
      project(slug: "aurora") {
        contributions(first: 100, filter: $filter, orderBy: $order) {
          totalCount nodes { occurredAt counted contributor { isBot } }
        }
      }
    }"""
    every = (await gql(query, {}))["data"]["project"]["contributions"]
    people = (await gql(query, {"filter": {"excludeBots": True}}))["data"]["project"][
        "contributions"
    ]
    assert any(n["contributor"]["isBot"] for n in every["nodes"])
    assert not any(n["contributor"]["isBot"] for n in people["nodes"])
    assert every["totalCount"] - people["totalCount"] == 20
    oldest = (await gql(query, {"order": {"direction": "ASC"}}))["data"]["project"]
    times = [n["occurredAt"] for n in oldest["contributions"]["nodes"]]
    assert times == sorted(times)
    newest = [n["occurredAt"] for n in every["nodes"]]
    assert newest == sorted(newest, reverse=True)


async def test_a_contributor_filter_takes_a_number_or_a_global_id(gql: GraphQL, demo: None) -> None:
    someone = (await _page(gql, first=1))["nodes"][0]["contributor"]["number"]
    ids = await gql(f"{{ contributor(id: {someone}) {{ id }} }}")
    global_id = ids["data"]["contributor"]["id"]
    query = """
    query($c: ID!) {
      project(slug: "aurora") { contributions(first: 5, filter: {contributor: $c}) { totalCount } }
    }"""
    by_number = await gql(query, {"c": str(someone)})
    by_id = await gql(query, {"c": global_id})
    assert by_number == by_id
    assert by_number["data"]["project"]["contributions"]["totalCount"] > 0
    wrong = await gql(query, {"c": "UHJvamVjdDox"})  # a Project's id
    assert wrong["errors"][0]["message"] == "not a Contributor number or id"


async def test_open_proposals_by_deadline_and_nodes_by_ids(gql: GraphQL, demo: None) -> None:
    body = await gql(
        """{ project(slug: "aurora") {
          id
          proposals(orderBy: {field: CLOSES_AT, direction: ASC}) { nodes { id closesAt } }
        } }"""
    )
    project = body["data"]["project"]
    nodes = project["proposals"]["nodes"]
    deadlines = [p["closesAt"] for p in nodes]
    assert deadlines == sorted(deadlines)
    ids = [nodes[0]["id"], "UHJvamVjdDo5OTk5", project["id"]]
    found = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids})
    assert found["data"]["nodes"] == [
        {"__typename": "Proposal", "id": ids[0]},
        None,
        {"__typename": "Project", "id": project["id"]},
    ]


async def test_treasury_objects_have_global_ids_that_node_resolves(
    gql: GraphQL, demo: None
) -> None:
    body = await gql(
        """{ project(slug: "aurora") {
          sponsors { id name sponsorships { id number } }
          treasury {
            balances { id number }
            approvals { id number }
            transactions(first: 3) { nodes { id number } }
          }
        } }"""
    )
    project = body["data"]["project"]
    treasury = project["treasury"]
    objects = [
        ("Sponsor", project["sponsors"][0]),
        ("Sponsorship", project["sponsors"][0]["sponsorships"][0]),
        ("Account", treasury["balances"][0]),
        ("ExpenseApproval", treasury["approvals"][0]),
        ("TreasuryTransaction", treasury["transactions"]["nodes"][0]),
    ]
    ids = [o["id"] for _, o in objects]
    assert len(set(ids)) == len(ids)
    found = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {"ids": [*ids, "U3BvbnNvcjoxOjk5OTk"]},  # Sponsor:1:9999
    )
    assert found["data"]["nodes"] == [
        *({"__typename": kind, "id": o["id"]} for kind, o in objects),
        None,
    ]
