"""The key set, signed tree heads and Merkle proofs over real HTTP and GraphQL."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ledger.journal import chain as journal
from ledger.journal import heads as tree_heads
from ledger.journal import merkle
from ledger.journal.events.register import KindDefined
from ledger.register.projects import ProjectInput, create_project
from tests.conftest import GraphQL

Client = AsyncTestClient[Litestar]


async def _project(pool: asyncpg.Pool, events: int = 9) -> int:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("open", "Open"), "admin")
        await journal.append_events(
            conn,
            project.id,
            [(KindDefined(kind=f"k{i}", description=""), "admin") for i in range(events)],
        )
        return project.id


async def test_the_key_set_lists_the_instance_key_by_thumbprint(client: Client) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    runtime = client.app.state.runtime
    assert response.json() == runtime.ring.jwks()
    assert response.json()["keys"][0]["kid"] == runtime.ring.active.kid


async def test_a_published_tree_head_verifies_with_the_published_keys(
    client: Client, pool: asyncpg.Pool
) -> None:
    await _project(pool)
    head = (await client.get("/projects/open/tree-head")).json()
    keys = (await client.get("/.well-known/jwks.json")).json()
    payload = tree_heads.verify_jws(head["jws"], keys)
    assert payload["tree_size"] == head["tree_size"] == 11
    assert payload["root_hash"] == head["root_hash"]


async def test_proofs_served_over_http_verify_against_the_signed_head(
    client: Client, pool: asyncpg.Pool
) -> None:
    project_id = await _project(pool)
    head = (await client.get("/projects/open/tree-head")).json()
    root = bytes.fromhex(head["root_hash"])
    async with pool.acquire() as conn:
        event = (await journal.page(conn, project_id, 4, 1))[0]
    proof = (await client.get("/projects/open/proofs/inclusion?seq=5&size=11")).json()
    assert proof["leaf_hash"] == journal.leaf_hash(event.document()).hex()
    path = [bytes.fromhex(h) for h in proof["path"]]
    assert merkle.verify_inclusion(4, 11, bytes.fromhex(proof["leaf_hash"]), path, root)
    c = (await client.get("/projects/open/proofs/consistency?from=3&to=11")).json()
    assert merkle.verify_consistency(
        3, 11, bytes.fromhex(c["from_root"]), root, [bytes.fromhex(h) for h in c["path"]]
    )


async def test_bad_proof_parameters_get_400_with_a_reason(
    client: Client, pool: asyncpg.Pool
) -> None:
    await _project(pool, 2)
    cases = {
        "/projects/open/proofs/inclusion?seq=9": "seq",
        "/projects/open/proofs/inclusion?seq=1&size=99": "size",
        "/projects/open/proofs/consistency?from=3&to=2": "from",
        "/projects/open/proofs/consistency?from=-1": "from",
    }
    for url, field in cases.items():
        response = await client.get(url)
        assert response.status_code == 400, url
        assert response.json()["field"] == field
    garbled = await client.get("/projects/open/proofs/inclusion?seq=abc")
    assert garbled.status_code == 400
    assert "seq" in garbled.text
    missing = await client.get("/projects/nope/tree-head")
    assert missing.status_code == 404


async def test_graphql_serves_the_same_head_and_proofs(
    client: Client, pool: asyncpg.Pool, gql: GraphQL
) -> None:
    await _project(pool, 5)
    head = (await client.get("/projects/open/tree-head")).json()
    inclusion = (await client.get("/projects/open/proofs/inclusion?seq=2&size=6")).json()
    consistency = (await client.get("/projects/open/proofs/consistency?from=4&to=7")).json()
    body = await gql(
        """
        query {
          treeHead(project: "open") { treeSize rootHash timestamp kid jws }
          inclusionProof(project: "open", seq: 2, treeSize: 6) {
            seq leafIndex treeSize leafHash path rootHash
          }
          consistencyProof(project: "open", from: 4, to: 7) {
            fromSize toSize fromRoot toRoot path
          }
        }
        """
    )
    expected: dict[str, Any] = {
        "data": {
            "treeHead": {
                "treeSize": head["tree_size"],
                "rootHash": head["root_hash"],
                "timestamp": head["timestamp"],
                "kid": head["kid"],
                "jws": head["jws"],
            },
            "inclusionProof": {
                "seq": 2,
                "leafIndex": 1,
                "treeSize": 6,
                "leafHash": inclusion["leaf_hash"],
                "path": inclusion["path"],
                "rootHash": inclusion["root_hash"],
            },
            "consistencyProof": {
                "fromSize": 4,
                "toSize": 7,
                "fromRoot": consistency["from_root"],
                "toRoot": consistency["to_root"],
                "path": consistency["path"],
            },
        }
    }
    assert body == expected


async def test_graphql_names_a_proof_outside_the_tree(
    client: Client, pool: asyncpg.Pool, gql: GraphQL
) -> None:
    await _project(pool, 1)
    body = await gql('query { inclusionProof(project: "open", seq: 4) { seq } }')
    assert body["data"] is None
    assert body["errors"][0]["message"] == "seq must be between 1 and the tree size 3"
    assert body["errors"][0]["extensions"] == {"code": "invalid_input"}
