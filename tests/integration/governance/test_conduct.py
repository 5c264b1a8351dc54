"""A code of conduct adopted by the hash of its text, over GraphQL, with the passed
proposal that adopted it."""

from __future__ import annotations

import hashlib

import asyncpg

from app.runtime import Runtime
from governance import service
from ledger.register.models import Project
from tests.conftest import GraphQL
from tests.integration.governance.conftest import MakeProposal, expire, people

ADOPT = """
mutation($c: CodeOfConductInput!) {
  setGovernanceSettings(input: {project: "commons", codeOfConduct: $c}) {
    __typename
    ... on GovernanceSettingsPayload { codeOfConduct { title sha256 url proposal } }
    ... on ValidationError { message field }
    ... on ConflictError { message code }
  }
}
"""
TEXT = "Be kind. Assume good faith. Report harm to conduct@aurora.invalid."


async def _decided(pool: asyncpg.Pool, project: Project, make: MakeProposal, choice: str) -> int:
    (ann,) = await people(pool, f"Voter {choice}")
    proposal = await make(voters=[ann])
    async with pool.acquire() as conn, conn.transaction():
        await service.cast(conn, project.id, proposal.id, ann, {"choice": choice}, "test")
    await expire(pool, proposal)
    async with pool.acquire() as conn, conn.transaction():
        await service.close(conn, project, proposal.id, "test")
    return proposal.id


async def test_a_code_of_conduct_is_adopted_by_its_hash_and_its_proposal(
    gql: GraphQL,
    pool: asyncpg.Pool,
    project: Project,
    runtime: Runtime,
    make_proposal: MakeProposal,
) -> None:
    token = runtime.tokens.issue("mia", roles={"commons": "maintainer"})
    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    adopted = await gql(ADOPT, {"c": {"title": "Code of conduct", "text": TEXT}}, token)
    assert adopted == {"data": {"setGovernanceSettings": {
        "__typename": "GovernanceSettingsPayload",
        "codeOfConduct": {"title": "Code of conduct", "sha256": digest, "url": None, "proposal": None},
    }}}  # fmt: skip
    both = await gql(ADOPT, {"c": {"title": "x", "text": TEXT, "sha256": digest}}, token)
    assert both["data"]["setGovernanceSettings"] == {
        "__typename": "ValidationError", "message": "give the text or its sha256, not both",
        "field": "codeOfConduct",
    }  # fmt: skip
    failed = await _decided(pool, project, make_proposal, "no")
    refused = await gql(
        ADOPT, {"c": {"title": "v2", "sha256": "a" * 64, "proposal": failed}}, token
    )
    assert refused["data"]["setGovernanceSettings"] == {
        "__typename": "ConflictError", "message": f"proposal {failed} did not pass: it adopted nothing",
        "code": "proposal_state",
    }  # fmt: skip
    passed = await _decided(pool, project, make_proposal, "yes")
    url = "https://commons.invalid/conduct"
    v2 = {"title": "v2", "sha256": "a" * 64, "url": url, "proposal": passed}
    again = await gql(ADOPT, {"c": v2}, token)
    assert again["data"]["setGovernanceSettings"]["codeOfConduct"] == v2
    body = await pool.fetchval(
        "SELECT body FROM journal_events WHERE type = 'project.settings_changed' "
        "ORDER BY seq DESC LIMIT 1"
    )
    assert body == {"code_of_conduct": {"title": "v2", "sha256": "a" * 64, "url": url,
                                        "proposal_id": passed}}  # fmt: skip
