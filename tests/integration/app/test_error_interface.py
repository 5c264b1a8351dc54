"""Every typed error reads alike through the ``Error`` interface."""

from __future__ import annotations

from tests.conftest import GraphQL

CREATE = """
mutation($slug: String!) {
  createProject(input: {slug: $slug, name: "A"}) {
    __typename
    ... on Error { message code field }
  }
}"""


async def test_validation_conflict_and_forbidden_errors_share_one_interface(
    gql: GraphQL, admin_token: str
) -> None:
    bad = await gql(CREATE, {"slug": "Not A Slug"}, token=admin_token)
    assert bad["data"]["createProject"]["__typename"] == "ValidationError"
    assert bad["data"]["createProject"]["code"] == "invalid_input"
    assert bad["data"]["createProject"]["field"] == "slug"
    await gql(CREATE, {"slug": "twice"}, token=admin_token)
    again = await gql(CREATE, {"slug": "twice"}, token=admin_token)
    assert again["data"]["createProject"] == {
        "__typename": "ConflictError",
        "message": again["data"]["createProject"]["message"],
        "code": "already_exists",
        "field": None,
    }
    anonymous = await gql(CREATE, {"slug": "other"})
    assert anonymous["data"]["createProject"] == {
        "__typename": "ForbiddenError",
        "message": "requires the instance admin role",
        "code": "forbidden",
        "field": None,
    }
