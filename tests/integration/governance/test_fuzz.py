"""Generated governance queries and mutations never make the API fail: no 5xx and no
error masked as unexpected. The caller is an admin bound to contributor 1, who is an
elector of the open proposal 1 of project ``wiki``, so ballots reach validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries
from litestar import Litestar
from litestar.testing import AsyncTestClient

import graphql
from app.runtime import Runtime
from app.schema import build_schema
from app.settings import Settings
from governance import service
from governance.electorate import Rule
from governance.models import check_draft
from ledger.register.people import create_contributor
from ledger.register.projects import ProjectInput, create_project

pytestmark = pytest.mark.slow  # fuzzing every vote field takes seconds

SCHEMA = build_schema(Settings.from_env({}))._schema
QUERY_FIELDS = ["proposals", "proposal", "delegations"]
MUTATION_FIELDS = [
    "createProposal",
    "openProposal",
    "withdrawProposal",
    "castBallot",
    "closeProposal",
    "delegate",
    "revokeDelegation",
    "setVotingRole",
    "setGovernanceSettings",
]
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "wiki", "yes", "veto", "schulze", "\x00", "a\x00b", "1/0", "3:1", "-1"]),
    st.integers(0, 60_000).map(lambda n: "x" * n),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "choice",
                    "reason",
                    "approve",
                    "ranking",
                    "min",
                    "max",
                    "threshold",
                    "majorities",
                    "option_quorum",
                    "casting_vote",
                    "voter",
                    "running_tally",
                    "weights",
                    "amount",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
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
            graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=_json_node(v))
            for k, v in value.items()
        ]
    )


SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "DateTime": st.one_of(
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
        st.datetimes().map(lambda d: d.isoformat()),
        text,
    ).map(nodes.String),
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "Decimal": st.decimals().map(lambda d: nodes.String(str(d))),
    "JSON": json_values.map(_json_node),
}


def check(response: Any) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    for error in body.get("errors") or ():
        assert not error["message"].startswith("Unexpected error"), (error, body)


@pytest.fixture
async def admin(runtime: Runtime, pool: asyncpg.Pool) -> dict[str, str]:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("wiki", "Wiki"), "admin")
        voter = await create_contributor(conn, "Ann")
        draft = check_draft(
            "Fuzzed",
            "",
            "general",
            [],
            "lazy_consensus",
            None,
            Rule(contributors=(voter.id,)),
            "0",
            {},
        )
        made, _ = await service.create(
            conn, project, draft, datetime.now(UTC) + timedelta(days=1), "a", key="fuzzed"
        )
        await service.open_(conn, project.id, made.id, "a")
    token = runtime.tokens.issue("fuzz", admin=True, contributor_id=voter.id)
    return {"Authorization": f"Bearer {token}"}


@settings(FUZZ, max_examples=60)
@given(query=queries(SCHEMA, fields=QUERY_FIELDS, custom_scalars=SCALARS))
async def test_generated_governance_queries_never_fail(
    client: AsyncTestClient[Litestar], admin: dict[str, str], query: str
) -> None:
    check(await client.post("/graphql", json={"query": query}, headers=admin))


@settings(FUZZ, max_examples=150)
@given(query=mutations(SCHEMA, fields=MUTATION_FIELDS, custom_scalars=SCALARS))
async def test_generated_governance_mutations_never_fail(
    client: AsyncTestClient[Litestar], admin: dict[str, str], query: str
) -> None:
    check(await client.post("/graphql", json={"query": query}, headers=admin))
