"""Generated queries, mutations, variables and bodies never make the API fail: no
5xx, and no error masked as unexpected. Mutations run as an instance admin so that
they reach the register's validation and storage, not just the role check."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries
from litestar import Litestar
from litestar.testing import AsyncTestClient

import graphql
from app.runtime import Runtime
from app.schema import build_schema
from app.settings import Settings
from tests.integration.app.seed import seed

pytestmark = pytest.mark.slow  # fuzzing the whole schema is the longest part of the suite

SCHEMA = build_schema(Settings.from_env({}))._schema
QUERY_FIELDS = ["project", "projects", "contributor", "node"]
MUTATION_FIELDS = [
    "createProject",
    "updateProject",
    "recordContribution",
    "linkIdentity",
    "setCreditPolicy",
    "defineKind",
    "addAffiliation",
]
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text that databases and parsers find hard: NUL, surrogate-free astral characters,
# very long strings, and values that look like the identifiers we use.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "linux", "code", "\x00", "a\x00b", "\U0001f600", "²", "٣", "-1", "1e999"]),
    st.integers(0, 200_000).map(lambda n: "x" * n),
    st.from_regex(r"[a-z0-9-]{1,70}", fullmatch=True),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | nasty_text,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _json_node(value: Any) -> graphql.ValueNode:
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return nodes.List([_json_node(v) for v in value])
    return nodes.Object(
        [
            graphql.ObjectFieldNode(name=graphql.NameNode(value=f"k{i}"), value=_json_node(v))
            for i, v in enumerate(value.values())
        ]
    )


SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "DateTime": st.one_of(
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
        st.datetimes().map(lambda d: d.isoformat()),
        nasty_text,
    ).map(nodes.String),
    "Date": st.one_of(st.dates().map(lambda d: d.isoformat()), nasty_text).map(nodes.String),
    "Decimal": st.one_of(st.decimals().map(str), nasty_text).map(nodes.String),
    "JSON": json_values.map(_json_node),
}


def check(response: Any) -> None:
    """No server error, and no masked unexpected error in a GraphQL answer."""
    assert response.status_code < 500, response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        errors = body.get("errors") if isinstance(body, dict) else None
        for error in errors or ():
            assert not error["message"].startswith("Unexpected error"), (error, body)
        # What the examples reached (shown by --hypothesis-show-statistics).
        data = body.get("data") if isinstance(body, dict) else None
        for value in (data or {}).values():
            event(value.get("__typename", "object") if isinstance(value, dict) else "null")
            if isinstance(value, dict) and "message" in value:
                event(f"{value.get('__typename')}: {value.get('field', '')}")
        event("errors" if errors else f"status {response.status_code}")


@pytest.fixture
async def admin(runtime: Runtime, pool: asyncpg.Pool) -> dict[str, str]:
    """Headers of an instance admin, with a seeded project to aim at."""
    seeded = await seed(pool, "linux", people_count=3, contributions=6)
    assert seeded.contributors == SEEDED
    return {"Authorization": f"Bearer {runtime.tokens.issue('fuzz', admin=True, contributor_id=1)}"}


@settings(FUZZ, max_examples=120)
@given(query=queries(SCHEMA, fields=QUERY_FIELDS, custom_scalars=SCALARS))
async def test_generated_queries_never_fail(
    client: AsyncTestClient[Litestar], admin: dict[str, str], query: str
) -> None:
    check(await client.post("/graphql", json={"query": query}, headers=admin))


@settings(FUZZ, max_examples=150)
@given(query=mutations(SCHEMA, fields=MUTATION_FIELDS, custom_scalars=SCALARS))
async def test_generated_mutations_never_fail(
    client: AsyncTestClient[Litestar], admin: dict[str, str], query: str
) -> None:
    check(await client.post("/graphql", json={"query": query}, headers=admin))


@settings(FUZZ, max_examples=150)
@given(query=queries(SCHEMA, custom_scalars=SCALARS) | mutations(SCHEMA, custom_scalars=SCALARS))
async def test_generated_operations_on_the_whole_schema_never_fail(
    client: AsyncTestClient[Litestar], admin: dict[str, str], query: str
) -> None:
    check(await client.post("/graphql", json={"query": query}, headers=admin))


RECORD = """
mutation($input: RecordContributionInput!) {
  recordContribution(input: $input) {
    __typename
    ... on ContributionPayload { replayed contribution { id kind credit metadata } }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}
"""
LINK = (
    "mutation($input: LinkIdentityInput!) { linkIdentity(input: $input) { __typename ...Failure } }"
)
UPDATE = "mutation($input: UpdateProjectInput!) { updateProject(input: $input) { __typename ...Failure } }"
POLICY = """
mutation($input: SetCreditPolicyInput!) { setCreditPolicy(input: $input) { __typename ...Failure } }
"""
FAILURE = """
fragment Failure on RESULT {
  ... on ValidationError { message field }
  ... on NotFoundError { message }
  ... on ConflictError { message code }
  ... on ForbiddenError { message }
}
"""
LINK += FAILURE.replace("RESULT", "LinkIdentityResult")
UPDATE += FAILURE.replace("RESULT", "ProjectResult")
POLICY += FAILURE.replace("RESULT", "CreditPolicyResult")
READ = """
query($slug: String!, $first: Int, $after: String, $kind: String, $since: DateTime, $id: ID!) {
  project(slug: $slug) {
    contributions(first: $first, after: $after, filter: {kind: $kind, since: $since}) {
      totalCount nodes { kind contributor { displayName identities { email } } }
    }
    contributors(first: $first, after: $after) { totalCount }
    journal { events(first: $first, after: $after) { totalCount } }
  }
  contributor(id: $id) { number }
  node(id: $id) { id }
}
"""
# Mostly values that reach the register's storage, sometimes nasty ones.
SEEDED = [1, 2, 3]


def mostly(valid: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` four times in five, else ``other``."""
    return st.integers(0, 4).flatmap(lambda n: other if n == 0 else valid)


slugs = mostly(st.just("linux"), st.just("nope") | nasty_text)
contributors = mostly(st.sampled_from(SEEDED), st.integers(-(2**31), 2**31 - 1))
kinds = mostly(st.sampled_from(["code", "doc", "review"]), nasty_text)
inputs = {
    RECORD: st.fixed_dictionaries(
        {
            "project": slugs,
            "contributor": contributors,
            "kind": kinds,
            "occurredAt": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
            "idempotencyKey": mostly(st.text(min_size=1, max_size=30), nasty_text),
        },
        optional={
            "source": mostly(st.sampled_from(["manual", "git"]), nasty_text),
            "evidenceUrl": mostly(st.just("https://example.org/pr/1"), nasty_text),
            "metadata": json_values,
        },
    ),
    LINK: st.fixed_dictionaries(
        {"project": slugs, "source": nasty_text, "externalId": nasty_text},
        optional={
            "contributor": contributors,
            "login": nasty_text,
            "email": nasty_text,
            "displayName": nasty_text,
        },
    ),
    UPDATE: st.fixed_dictionaries(
        {"slug": slugs},
        optional={
            "name": nasty_text,
            "description": nasty_text,
            "homepage": nasty_text,
            "repositories": st.lists(nasty_text, max_size=60),
            "outboundLicense": nasty_text,
            "trademarkNotice": nasty_text,
        },
    ),
    POLICY: st.fixed_dictionaries(
        {
            "project": slugs,
            "weights": st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": kinds,
                        "weight": mostly(st.sampled_from(["1", "2.5", "0"]), nasty_text),
                    }
                ),
                max_size=5,
            ),
        },
        optional={"defaultWeight": nasty_text, "reason": nasty_text},
    ),
}
read_variables = st.fixed_dictionaries(
    {
        "slug": slugs,
        "id": nasty_text,
        "first": st.integers(-5, 120) | st.none(),
        "after": st.none() | nasty_text,
        "kind": st.none() | nasty_text,
        "since": st.none() | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    }
)


@settings(FUZZ, max_examples=200)
@given(
    request=st.one_of(
        *(
            st.tuples(st.just(doc), st.builds(lambda i: {"input": i}, s))
            for doc, s in inputs.items()
        ),
        st.tuples(st.just(READ), read_variables),
        # Garbage variables of any shape for the same documents.
        st.tuples(
            st.sampled_from([*inputs, READ]), st.dictionaries(st.text(max_size=8), json_values)
        ),
    )
)
async def test_nasty_variables_never_fail(
    client: AsyncTestClient[Litestar], admin: dict[str, str], request: tuple[str, Any]
) -> None:
    document, variables = request
    check(
        await client.post(
            "/graphql", json={"query": document, "variables": variables}, headers=admin
        )
    )


@settings(FUZZ, max_examples=100)
@given(
    path=st.sampled_from(
        ["/graphql", "/graphql/persisted/ProjectOverview", "/graphql/persisted/x"]
    ),
    body=st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.builds(
            lambda q, v: json.dumps({"query": q, "variables": v}).encode(), json_values, json_values
        ),
    ),
    content_type=st.sampled_from(["application/json", "text/plain", "application/graphql", ""]),
)
async def test_garbage_bodies_never_fail(
    client: AsyncTestClient[Litestar],
    admin: dict[str, str],
    path: str,
    body: bytes,
    content_type: str,
) -> None:
    headers = {**admin, "content-type": content_type} if content_type else admin
    check(await client.post(path, content=body, headers=headers))
