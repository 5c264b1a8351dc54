from __future__ import annotations

from tests.conftest import GraphQL

CREATE = """
mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    __typename
    ... on ProjectPayload { project { slug name repositories journal { length } } }
    ... on ValidationError { message field }
    ... on ConflictError { message code }
    ... on ForbiddenError { message }
  }
}
"""


async def test_an_admin_creates_a_project_whose_journal_starts(
    gql: GraphQL, admin_token: str
) -> None:
    body = await gql(CREATE, {"input": {"slug": "linux", "name": "Linux"}}, admin_token)
    assert body == {
        "data": {
            "createProject": {
                "__typename": "ProjectPayload",
                "project": {
                    "slug": "linux",
                    "name": "Linux",
                    "repositories": [],
                    "journal": {"length": 2},
                },
            }
        }
    }


async def test_a_bad_slug_is_a_validation_error(gql: GraphQL, admin_token: str) -> None:
    body = await gql(CREATE, {"input": {"slug": "Not A Slug", "name": "x"}}, admin_token)
    assert body["data"]["createProject"] == {
        "__typename": "ValidationError",
        "message": "slug must be 1-64 lower-case letters, digits or inner dashes, "
        "starting with a letter",
        "field": "slug",
    }


async def test_anonymous_callers_cannot_create_projects(gql: GraphQL) -> None:
    body = await gql(CREATE, {"input": {"slug": "x", "name": "x"}})
    assert body["data"]["createProject"] == {
        "__typename": "ForbiddenError",
        "message": "requires the instance admin role",
    }
