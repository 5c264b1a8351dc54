"""The key set, the published tree head, its checkpoint and Merkle proofs over real HTTP
and GraphQL, all answered from what the background publisher stored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.main import create_app
from ledger.journal import chain as journal
from ledger.journal import jws, merkle, notes
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


async def published(client: Client, size: int, slug: str = "open") -> dict[str, Any]:
    """The tree head once the publisher has signed ``size`` events."""
    for _ in range(400):
        response = await client.get(f"/projects/{slug}/tree-head")
        if response.status_code == 200 and response.json()["tree_size"] == size:
            head: dict[str, Any] = response.json()
            return head
        await asyncio.sleep(0.025)
    raise AssertionError(f"no head of size {size} was published")


@pytest.fixture
async def publishing(app_env: dict[str, str]) -> AsyncIterator[Client]:
    """The app with its tree-head publisher at most 50 ms behind."""
    env = {**app_env, "COMMONS_HEAD_PUBLISHER": "true", "COMMONS_HEAD_MAX_DELAY": "0.05"}
    async with AsyncTestClient(app=create_app(env)) as c:
        yield c


async def test_the_key_set_lists_one_key_per_purpose_with_what_it_signs(client: Client) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = client.app.state.runtime.keys
    assert response.json() == keys.jwks()
    signs = {k["kid"]: k["signs"] for k in response.json()["keys"]}
    assert signs == {
        keys.tokens.active.kid: ["JWT"],
        keys.tree_heads.active.kid: ["tree-head+jws"],
        keys.reports.active.kid: ["commons-report+jws"],
        keys.checkpoints.active.kid: ["tlog-checkpoint"],
    }
    assert all("nbf" in k and "exp" not in k for k in response.json()["keys"])


async def test_a_published_tree_head_verifies_with_the_published_keys_as_a_tree_head(
    publishing: Client, pool: asyncpg.Pool
) -> None:
    await _project(pool)
    head = await published(publishing, 11)
    keys = (await publishing.get("/.well-known/jwks.json")).json()
    payload = jws.verify_jws(head["jws"], keys, typ="tree-head+jws")
    assert payload["tree_size"] == head["tree_size"] == 11
    assert payload["root_hash"] == head["root_hash"]
    with pytest.raises(ValueError, match="typ is 'tree-head\\+jws', not 'commons-report\\+jws'"):
        jws.verify_jws(head["jws"], keys, typ="commons-report+jws")


async def test_nothing_is_hashed_on_demand_before_the_publisher_signs(
    client: Client, pool: asyncpg.Pool
) -> None:
    project_id = await _project(pool)
    response = await client.get("/projects/open/tree-head")
    assert response.status_code == 404
    assert "no signed tree head yet" in response.json()["message"]
    assert (
        await pool.fetchval("SELECT count(*) FROM merkle_nodes WHERE project_id = $1", project_id)
        == 0
    )


async def test_proofs_served_over_http_verify_against_the_signed_head(
    publishing: Client, pool: asyncpg.Pool
) -> None:
    project_id = await _project(pool)
    head = await published(publishing, 11)
    root = bytes.fromhex(head["root_hash"])
    async with pool.acquire() as conn:
        event = (await journal.page(conn, project_id, 4, 1))[0]
    proof = (await publishing.get("/projects/open/proofs/inclusion?seq=5")).json()
    assert proof["tree_size"] == 11
    assert proof["leaf_hash"] == journal.leaf_hash(event.document()).hex()
    path = [bytes.fromhex(h) for h in proof["path"]]
    assert merkle.verify_inclusion(4, 11, bytes.fromhex(proof["leaf_hash"]), path, root)
    c = (await publishing.get("/projects/open/proofs/consistency?from=3")).json()
    assert merkle.verify_consistency(
        3, 11, bytes.fromhex(c["from_root"]), root, [bytes.fromhex(h) for h in c["path"]]
    )


async def test_the_checkpoint_is_the_head_as_a_signed_note_under_the_published_vkey(
    publishing: Client, pool: asyncpg.Pool
) -> None:
    await _project(pool)
    head = await published(publishing, 11)
    note = (await publishing.get("/projects/open/checkpoint")).text
    vkey = (await publishing.get("/projects/open/checkpoint/vkey")).text
    verifier = notes.parse_vkey(vkey)
    assert verifier.name == "commons-ledger/open"
    point = notes.parse_checkpoint(notes.open_note(note, verifier))
    assert (point.origin, point.size, point.root.hex()) == (
        "commons-ledger/open",
        11,
        head["root_hash"],
    )
    assert (await publishing.get("/projects/open/checkpoint")).text == note
    keys = publishing.app.state.runtime.keys
    assert verifier.public == keys.checkpoints.active.public.public_bytes_raw()


async def test_bad_proof_parameters_get_400_with_a_reason(
    publishing: Client, pool: asyncpg.Pool
) -> None:
    await _project(pool, 2)
    await published(publishing, 4)
    cases = {
        "/projects/open/proofs/inclusion?seq=9": "seq",
        "/projects/open/proofs/inclusion?seq=1&size=99": "size",
        "/projects/open/proofs/consistency?from=3&to=2": "from",
        "/projects/open/proofs/consistency?from=-1": "from",
    }
    for url, field in cases.items():
        response = await publishing.get(url)
        assert response.status_code == 400, url
        assert response.json()["field"] == field
    garbled = await publishing.get("/projects/open/proofs/inclusion?seq=abc")
    assert garbled.status_code == 400
    assert "seq" in garbled.text
    missing = await publishing.get("/projects/nope/tree-head")
    assert missing.status_code == 404


async def test_graphql_serves_the_same_head_and_proofs(
    publishing: Client, pool: asyncpg.Pool
) -> None:
    await _project(pool, 5)
    head = await published(publishing, 7)
    inclusion = (await publishing.get("/projects/open/proofs/inclusion?seq=2&size=6")).json()
    consistency = (await publishing.get("/projects/open/proofs/consistency?from=4&to=7")).json()
    body = await GraphQL(publishing)(
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
    publishing: Client, pool: asyncpg.Pool
) -> None:
    await _project(pool, 1)
    await published(publishing, 3)
    body = await GraphQL(publishing)('query { inclusionProof(project: "open", seq: 4) { seq } }')
    assert body["data"] is None
    assert body["errors"][0]["message"] == "seq must be between 1 and the tree size 3"
    assert body["errors"][0]["extensions"] == {"code": "invalid_input"}
