"""One person, one vote across contributor merges and unmerges, on a real database:
the ballot cast last by any record of a person stands, under concurrent casts and
merges too."""

from __future__ import annotations

import asyncio
import random

import asyncpg

from governance import service, store
from governance.models import Proposal
from intake import merges
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people, set_setting


async def vote(pool: asyncpg.Pool, proposal: Proposal, voter: int, choice: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await service.cast(conn, proposal.project_id, proposal.id, voter, {"choice": choice}, "v")


async def merge(pool: asyncpg.Pool, project: Project, source: int, target: int) -> int:
    async with pool.acquire() as conn, conn.transaction():
        return await merges.merge(conn, project.id, source, target, "mia")


async def unmerge(pool: asyncpg.Pool, project: Project, merge_id: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await merges.unmerge(conn, project.id, merge_id, "mia")


async def counted(
    pool: asyncpg.Pool, proposal: Proposal, delegation: bool = False
) -> list[tuple[int, int, str]]:
    found = await service.count(pool, proposal, delegation)
    return [(r["voter"], r["cast_by"], r["ballot"]["choice"]) for r in found.sheet]


async def test_two_records_of_one_person_count_once_with_the_ballot_cast_last(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    ann_git, ann_hub, bob = await people(pool, "Ann", "Ann (GitHub)", "Bob")
    proposal = await make_proposal(voters=[ann_git, ann_hub, bob])
    await vote(pool, proposal, ann_hub, "no")
    await vote(pool, proposal, ann_git, "yes")
    await vote(pool, proposal, bob, "no")
    assert len(await counted(pool, proposal)) == 3  # two people until they are merged
    merge_id = await merge(pool, project, ann_git, ann_hub)
    assert await counted(pool, proposal) == [(ann_git, ann_git, "yes"), (bob, bob, "no")]
    await vote(pool, proposal, ann_hub, "abstain")  # the surviving record changes it
    assert await counted(pool, proposal) == [(ann_hub, ann_hub, "abstain"), (bob, bob, "no")]
    await vote(pool, proposal, ann_git, "no")  # so may the merged-away one: same person
    assert await counted(pool, proposal) == [(ann_git, ann_git, "no"), (bob, bob, "no")]
    await unmerge(pool, project, merge_id)  # two people again, each with their own ballot
    assert await counted(pool, proposal) == [
        (ann_git, ann_git, "no"),
        (ann_hub, ann_hub, "abstain"),
        (bob, bob, "no"),
    ]
    await merge(pool, project, ann_hub, ann_git)
    await expire(pool, proposal)
    async with pool.acquire() as conn, conn.transaction():
        closed = await service.close(conn, project, proposal.id, "closer")
    assert closed.result is not None
    assert (closed.result["turnout"], closed.result["details"]["no"]) == (2, 2)
    assert closed.electorate_size == 3  # quorum is judged against the snapshot


async def test_a_person_delegates_once_and_a_delegation_between_their_records_is_void(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    from governance import voters

    project = await set_setting(pool, project, service.DELEGATION, True)
    ann_git, ann_hub, bob, cy = await people(pool, "Ann", "Ann (GitHub)", "Bob", "Cy")
    async with pool.acquire() as conn, conn.transaction():
        await voters.delegate(conn, project, ann_git, ann_hub, None, "a")  # within one person
        await voters.delegate(conn, project, ann_hub, bob, None, "a")
        await voters.delegate(conn, project, cy, ann_git, None, "c")
    proposal = await make_proposal(voters=[ann_git, ann_hub, bob, cy], on=project)
    await vote(pool, proposal, bob, "yes")
    before = await counted(pool, proposal, delegation=True)
    assert before == [
        (ann_git, bob, "yes"),
        (ann_hub, bob, "yes"),
        (bob, bob, "yes"),
        (cy, bob, "yes"),
    ]
    await merge(pool, project, ann_git, ann_hub)
    after = await counted(pool, proposal, delegation=True)
    assert after == [(ann_git, bob, "yes"), (bob, bob, "yes"), (cy, bob, "yes")]


async def test_concurrent_casts_merges_and_unmerges_never_count_a_person_twice(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    ann_git, ann_hub, bob = await people(pool, "Ann", "Ann (GitHub)", "Bob")
    proposal = await make_proposal(voters=[ann_git, ann_hub, bob])
    rng = random.Random(7)
    choices = ["yes", "no", "abstain"]
    seen: list[int] = []

    async def merge_and_unmerge() -> None:
        for _ in range(3):
            await asyncio.sleep(rng.random() / 100)
            merge_id = await merge(pool, project, ann_git, ann_hub)
            await asyncio.sleep(rng.random() / 100)
            await unmerge(pool, project, merge_id)
        await merge(pool, project, ann_git, ann_hub)

    async def watch() -> None:
        for _ in range(10):
            seen.append(len(await counted(pool, proposal)))
            await asyncio.sleep(0.005)

    casts = [
        vote(pool, proposal, rng.choice([ann_git, ann_hub, bob]), rng.choice(choices))
        for _ in range(30)
    ]
    await asyncio.gather(merge_and_unmerge(), watch(), *casts)
    assert max(seen) <= 3
    rows = await pool.fetch(
        "SELECT voter_id, ballot, cast_at FROM ballots WHERE project_id = $1 AND proposal_id = $2",
        project.id,
        proposal.id,
    )
    ann = [r for r in rows if r["voter_id"] in (ann_git, ann_hub)]
    latest = max(ann, key=lambda r: (r["cast_at"], -r["voter_id"]))
    expected = sorted(
        [(latest["voter_id"], latest["ballot"]["choice"])]
        + [(r["voter_id"], r["ballot"]["choice"]) for r in rows if r["voter_id"] == bob]
    )
    assert [(v, c) for v, _, c in await counted(pool, proposal)] == expected
    assert await store.persons(pool, [ann_git, ann_hub, bob]) == {
        ann_git: ann_hub,
        ann_hub: ann_hub,
        bob: bob,
    }
