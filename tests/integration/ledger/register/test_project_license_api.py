"""A project's outbound license goes through the SPDX checker the app puts in the
context: invalid expressions are refused with the position, aliases and deprecated ids
are stored in canonical form with a warning in the payload."""

from __future__ import annotations

import pytest

from app.runtime import Runtime
from tests.conftest import GraphQL

CREATE = """
mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    __typename
    ... on ProjectPayload { project { slug outboundLicense } warnings }
    ... on ValidationError { message field }
  }
}
"""
UPDATE = """
mutation($license: String!) {
  updateProject(input: {slug: "lic", outboundLicense: $license}) {
    __typename
    ... on ProjectPayload { project { outboundLicense } warnings }
    ... on ValidationError { message field }
  }
}
"""
PROJECT = 'query { project(slug: "lic") { outboundLicense } }'


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "MIT OR Apache-2.0 OR",
            "expected a license, found the end of the expression at position 20",
        ),
        (
            "MIT OR (Apache-2.0) BSD-3-Clause",
            "expected AND or OR before 'BSD-3-Clause' at position 20",
        ),
        ("MIT AND ()", "expected a license, found ')' at position 9"),
        ("()", "expected a license, found ')' at position 1"),
        (
            "MIT And Apache-2.0",
            "operator 'And' must be all upper case (AND) or all lower case (and) at position 4",
        ),
        (
            "MIT\nOR Apache-2.0",
            "a line break: an SPDX expression is written on one line at position 3",
        ),
    ],
)
async def test_an_invalid_outbound_license_is_refused_with_its_position(
    gql: GraphQL, admin_token: str, expression: str, message: str
) -> None:
    body = await gql(
        CREATE, {"input": {"slug": "lic", "name": "L", "outboundLicense": expression}}, admin_token
    )
    assert body["data"]["createProject"] == {
        "__typename": "ValidationError",
        "message": message,
        "field": "outboundLicense",
    }
    assert (await gql(PROJECT))["data"]["project"] is None


async def test_an_alias_is_stored_as_the_spdx_id_with_a_warning(
    gql: GraphQL, admin_token: str
) -> None:
    body = await gql(
        CREATE, {"input": {"slug": "lic", "name": "L", "outboundLicense": "GPL 2.0+"}}, admin_token
    )
    assert body["data"]["createProject"] == {
        "__typename": "ProjectPayload",
        "project": {"slug": "lic", "outboundLicense": "GPL-2.0-or-later"},
        "warnings": [
            "'GPL 2.0+' is a ScanCode alias, not an SPDX id: read as 'GPL-2.0-or-later' "
            "(position 0)"
        ],
    }


async def test_an_update_reads_a_deprecated_id_as_its_successor_and_says_so(
    gql: GraphQL, admin_token: str, runtime: Runtime
) -> None:
    await gql(
        CREATE, {"input": {"slug": "lic", "name": "L", "outboundLicense": "MIT"}}, admin_token
    )
    token = runtime.tokens.issue("mia", roles={"lic": "maintainer"})
    body = await gql(UPDATE, {"license": "GPL-2.0-with-classpath-exception"}, token)
    assert body["data"]["updateProject"] == {
        "__typename": "ProjectPayload",
        "project": {"outboundLicense": "GPL-2.0-only WITH Classpath-exception-2.0"},
        "warnings": [
            "'GPL-2.0-with-classpath-exception' is deprecated: read as "
            "'GPL-2.0-only WITH Classpath-exception-2.0' (position 0)"
        ],
    }
    clean = await gql(UPDATE, {"license": "apache-2.0 or mit"}, token)
    assert clean["data"]["updateProject"] == {
        "__typename": "ProjectPayload",
        "project": {"outboundLicense": "Apache-2.0 OR MIT"},
        "warnings": [],
    }
    refused = await gql(UPDATE, {"license": "MIT OR"}, token)
    assert refused["data"]["updateProject"] == {
        "__typename": "ValidationError",
        "message": "expected a license, found the end of the expression at position 6",
        "field": "outboundLicense",
    }
    assert (await gql(PROJECT))["data"]["project"] == {"outboundLicense": "Apache-2.0 OR MIT"}
