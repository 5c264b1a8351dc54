"""The leak hunt: every public surface of the demo commons, read anonymously and as
the maintainer of another project who tried the cross-project attack, shows no email,
no IP address and nothing of a raw webhook payload.

Surfaces: every root field of the GraphQL schema with every field below it (connections,
cursors and global ids decoded), ``node(id)`` for every global id seen (and for every
expense claim's, which neither caller may see), the journal's
event bodies (all of them, from the database), the persisted operations, the signed
JSON report, the HTML and Markdown reports, the report's CSV tables, the transactions
CSV, the tree head, the inclusion and consistency proofs, the JWKS, and the log lines
written while the demo's deliveries were processed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.runtime import Runtime
from ledger.graphql import relay
from tests.conftest import GraphQL
from tests.integration.privacy.conftest import PAYLOAD_FRAGMENTS, Commons
from tests.integration.privacy.walker import Hunt, Walker, strings, unbase64

OPERATIONS = Path(__file__).parents[3] / "graphql" / "operations"
# Every type of the schema that implements Node but ExpenseClaim (its list is the
# members'): the walk reaches each and asks node(id); a claim's id is asked directly.
NODE_KINDS = 15
RECORD = """
mutation($i: RecordContributionInput!) { recordContribution(input: $i) {
  ... on ContributionPayload { contribution { contributor { identities { email } } } } } }
"""
CLAIM = "query($id: ID!) { node(id: $id) { ... on ExpenseClaim { number payee purpose } } }"
LINK = """
mutation($i: LinkIdentityInput!) { linkIdentity(input: $i) {
  ... on IdentityPayload { identity { email } } ... on ConflictError { code } } }
"""


async def _attack(gql: GraphQL, pool: asyncpg.Pool, token: str) -> list[Any]:
    """The maintainer of ``other`` records a contribution for every demo person with an
    email, and links one of their forge accounts again: what the answers showed."""
    rows = await pool.fetch(
        "SELECT DISTINCT ON (contributor_id) contributor_id, source, external_id "
        "FROM identities WHERE email > '' ORDER BY contributor_id, source DESC"
    )
    assert rows
    answers = []
    for n, row in enumerate(rows):
        item = {"project": "other", "contributor": row["contributor_id"], "kind": "code",
                "occurredAt": "2026-01-02T00:00:00Z", "idempotencyKey": f"steal-{n}"}  # fmt: skip
        answers.append(await gql(RECORD, {"i": item}, token))
        if row["source"] == "github":
            link = {"project": "other", "source": "github", "externalId": row["external_id"],
                    "contributor": row["contributor_id"]}  # fmt: skip
            answers.append(await gql(LINK, {"i": link}, token))
    return answers


Refusals = dict[str, set[str]]


def _refusals(body: dict[str, Any], refused: Refusals) -> None:
    """Note each error's code against the field that raised it (the last name of its path)."""
    for error in body.get("errors", []):
        code = error.get("extensions", {}).get("code", error["message"])
        field = next(str(p) for p in reversed(error.get("path") or ["?"]) if isinstance(p, str))
        refused.setdefault(code, set()).add(field)


async def _walk(
    gql: GraphQL, walker: Walker, hunt: Hunt, caller: str, token: str | None
) -> tuple[int, Refusals]:
    """Every root query, then ``node(id)`` for a few global ids of each type seen; how
    many kinds of node were tried, and which root fields refused the caller (by code)."""
    ids: dict[str, list[str]] = {}
    refused: Refusals = {}
    for root, query in walker.root_queries():
        print("ROOT", root, flush=True)
        body = await gql(query, token=token)
        hunt.json(f"{caller} {root}", body)
        _refusals(body, refused)
        for path, text in strings(body):
            decoded = unbase64(text) if path.endswith(".id") else None
            if decoded and ":" in decoded:
                ids.setdefault(decoded.split(":", 1)[0], []).append(text)
    for kind, found in sorted(ids.items()):
        for global_id in sorted(set(found))[:3]:
            answer = await gql(walker.node_query(global_id, kind), token=token)
            _refusals(answer, refused)
            assert answer["data"]["node"] is not None
            hunt.json(f"{caller} node {kind}", answer)
    return len(ids), refused


async def _http(client: AsyncTestClient[Litestar], hunt: Hunt, year: str, size: int) -> None:
    base = "/projects/aurora"
    paths = [
        *(f"{base}/reports/{year}.{fmt}" for fmt in ("json", "html", "md")),
        *(f"{base}/reports/{year}.csv?table={t}" for t in ("contributions", "funding", "ballots")),
        f"{base}/transactions.csv", f"{base}/tree-head", "/.well-known/jwks.json",
        f"{base}/proofs/inclusion?seq=1&size={size}", f"{base}/proofs/consistency?from=1&to={size}",
    ]  # fmt: skip
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        hunt.text(path, response.text)
        if response.headers["content-type"].startswith("application/json"):
            hunt.json(path, response.json())
    variables = {"slug": "aurora", "number": 1}
    for operation in sorted(OPERATIONS.glob("*.graphql")):
        response = await client.post(
            f"/graphql/persisted/{operation.stem}", json={"variables": variables}
        )
        assert response.status_code == 200, response.text
        hunt.json(f"persisted {operation.stem}", response.json())


async def test_no_public_surface_shows_an_email_an_ip_address_or_a_raw_payload(
    commons: Commons,
    gql_roomy: GraphQL,
    roomy: AsyncTestClient[Litestar],
    runtime_roomy: Runtime,
    pool: asyncpg.Pool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = b"".join(r[0] for r in await pool.fetch("SELECT body FROM webhook_inbox")).decode()
    assert all(fragment in raw for fragment in PAYLOAD_FRAGMENTS)  # what is hunted exists
    assert len(commons.emails) >= 10
    hunt = Hunt(commons.personal, PAYLOAD_FRAGMENTS)
    attacker = runtime_roomy.tokens.issue("mallory", roles={"other": "maintainer"})
    hunt.json("the attack's answers", await _attack(gql_roomy, pool, attacker))
    values = {"slug": '"aurora"', "project": '"aurora"', "period": f'"{commons.year}"'}
    walker = Walker(runtime_roomy.schema._schema, {**values, "id": '"1"'})
    walks = {
        caller: await _walk(gql_roomy, walker, hunt, caller, token)
        for caller, token in (("anonymous", None), ("other's maintainer", attacker))
    }
    size = await pool.fetchval("SELECT seq FROM journal_heads h JOIN projects p "
                               "ON p.id = h.project_id WHERE p.slug = 'aurora'")  # fmt: skip
    claims = await pool.fetch("SELECT project_id, id FROM treasury_expense_claims")
    assert claims
    for token in (None, attacker):
        for claim in claims:
            asked = {"id": relay.global_id("ExpenseClaim", claim["project_id"], claim["id"])}
            answer = await gql_roomy(CLAIM, asked, token)
            assert answer == {"data": {"node": None}}
    await _http(roomy, hunt, commons.year, size)
    for row in await pool.fetch("SELECT project_id, seq, type, body, actor FROM journal_events"):
        hunt.json(f"journal {row['project_id']}:{row['seq']} {row['type']}", dict(row["body"]))
        hunt.text(f"journal {row['project_id']}:{row['seq']} actor", row["actor"])
    for record in caplog.records:
        hunt.text(f"log {record.name}", record.getMessage())
    assert hunt.found == []
    for kinds, refused in walks.values():
        assert kinds == NODE_KINDS  # node(id) was tried on every kind of node
        # Only the maintainers' fields are refused for lack of a role; a field whose
        # record the walk's made-up arguments do not name answers not_found (or
        # invalid_input for a made-up id), which serves nothing.
        assert set(refused) - {"not_found", "invalid_input"} == {"forbidden"}
        assert refused.get("invalid_input", set()) <= {"contributorProfile"}  # made-up "1"
    assert walks["anonymous"][1]["forbidden"] == {
        "forgeSecrets", "deadLetters", "truncatedPushes", "mergeSuggestions", "expenseClaims"
    }  # fmt: skip
    assert hunt.checked > 10_000


async def test_the_same_walk_shows_the_projects_maintainer_its_peoples_emails(
    commons: Commons, gql_roomy: GraphQL, runtime_roomy: Runtime
) -> None:
    """The hunt's control: where emails may show, the walk reaches and finds them."""
    hunt = Hunt(commons.personal, PAYLOAD_FRAGMENTS)
    maintainer = runtime_roomy.tokens.issue("steward", roles={"aurora": "maintainer"})
    walker = Walker(runtime_roomy.schema._schema, {"slug": '"aurora"', "project": '"aurora"'})
    _, query = next((r, q) for r, q in walker.root_queries() if r == "project")
    hunt.json("maintainer project", await gql_roomy(query, token=maintainer))
    assert any("an email address" in found for found in hunt.found)
    assert not any("IP address" in found or "raw payload" in found for found in hunt.found)
