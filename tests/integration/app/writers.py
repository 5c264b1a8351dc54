"""Every journal writer the demo does not reach, each driven through its own use case
on the demo project (webhooks over HTTP and the intake worker included). After
``seed_demo`` and ``write_the_rest`` the journal holds every event type of the
catalogue, and every key a writer sometimes leaves out both present and absent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from app.demo import ACTOR, SLUG
from governance import service, voters
from governance.electorate import Rule
from governance.models import Proposal, check_draft
from intake import bot_marks, inbox, merges
from intake.connections import connect_forge, list_secrets, retire_secret
from intake.erasure import erase_contributor
from intake.settings import set_intake_settings
from intake.worker import Worker, WorkerConfig
from ledger.kernel.money import Money
from ledger.register import people, projects
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution, Project
from ledger.treasury import approvals
from ledger.treasury.models import Policy
from ledger.treasury.movements import convert_currency
from ledger.treasury.reversals import reverse
from licenses import agreements, coverage, grants, trademarks
from tests.integration.intake.conftest import Poster, secret_for
from tests.integration.intake.splits import split_as_0018
from tests.integration.licenses.conftest import contribute
from tests.unit.intake.forge_requests import payload

SHA = "89abcdef0123456789abcdef0123456789abcdef"


async def write_the_rest(pool: asyncpg.Pool, poster: Poster, database_url: str) -> None:
    """Drive the writers the demo leaves out, on the demo project."""
    project = await projects.get_project(pool, SLUG)
    ids = [r["contributor_id"] for r in await pool.fetch(_ACTIVE, project.id)]
    project = await _register(pool, project, ids)
    await _governance(pool, project, ids)
    await _licenses(pool, project, ids[0])
    await _treasury(pool, project)
    await _intake(pool, project, poster, database_url, ids)


_ACTIVE = """
SELECT contributor_id FROM contributions WHERE project_id = $1 AND counted
GROUP BY contributor_id ORDER BY count(*) DESC, contributor_id LIMIT 6
"""


async def _register(pool: asyncpg.Pool, project: Project, ids: list[int]) -> Project:
    async with pool.acquire() as conn, conn.transaction():
        project = await projects.update_project(
            conn, project, {"description": "Open maps.", "homepage": None}, ACTOR
        )
        project = await projects.update_project(
            conn,
            project,
            {
                "name": "Aurora Maps",
                "repositories": ["https://git.invalid/aurora-maps"],
                "outbound_license": "MIT",
                "trademark_notice": "Aurora is a mark of its stewards.",
            },
            ACTOR,
        )
        await projects.define_kind(conn, project, "cartography", "Map making", ACTOR)
        project = await projects.update_settings(conn, project, service.DELEGATION, True, ACTOR)
        project = await projects.update_settings(conn, project, service.SECRET_BALLOTS, True, ACTOR)
        project = await projects.update_settings(
            conn, project, coverage.REQUIRED_SETTING, ["code"], ACTOR
        )
        await approvals.set_policy(conn, project, Policy(allow_overdraft=True), ACTOR)
        await people.link_identity(
            conn,
            project.id,
            source="github",
            external_id="4242",
            contributor_id=ids[0],
            login="aurora-dev",
            actor=ACTOR,
        )
        return await projects.get_project(conn, SLUG)


async def _proposal(
    conn: asyncpg.Connection,
    project: Project,
    kind: str,
    action: dict[str, Any],
    ids: list[int],
    params: dict[str, Any] | None = None,
) -> Proposal:
    draft = check_draft(
        f"A {kind} vote", "Because.", kind, [], "majority", params or {},
        Rule(contributors=tuple(ids)), "0", action,
    )  # fmt: skip
    closes = datetime.now(UTC) + timedelta(days=1)
    proposal, _ = await service.create(conn, project, draft, closes, ACTOR, key=f"tour-{kind}")
    return proposal


async def _governance(pool: asyncpg.Pool, project: Project, ids: list[int]) -> None:
    """A withdrawn draft, delegations, a role, and two passed votes: a secret one on the
    credit policy, a public one on membership whose ballots stay hidden until close
    (each effect journals its own event)."""
    policy = {"weights": {"code": "2"}, "default_weight": "1", "reason": "a vote"}
    membership = {"contributor": ids[1], "role": "member"}
    async with pool.acquire() as conn, conn.transaction():
        await voters.set_role(conn, project, ids[0], "maintainer", ACTOR)
        await voters.delegate(conn, project, ids[2], ids[3], None, ACTOR)
        await voters.delegate(conn, project, ids[4], ids[3], "general", ACTOR)
        await voters.revoke(conn, project, ids[4], "general", ACTOR)
        drafted = await _proposal(conn, project, "general", {}, ids)
        await service.withdraw(conn, project.id, drafted.id, ACTOR)
        secret = await _proposal(conn, project, "credit_policy", policy, ids)
        project = await projects.update_settings(
            conn, project, service.SECRET_BALLOTS, False, ACTOR
        )
        hidden = {"running_tally": False}
        public = await _proposal(conn, project, "membership", membership, ids, hidden)
        for proposal in (secret, public):
            await service.open_(conn, project.id, proposal.id, ACTOR)
            for voter in ids[:3]:
                await service.cast(conn, project.id, proposal.id, voter, {"choice": "yes"}, ACTOR)
    await pool.execute(
        "UPDATE proposals SET closes_at = clock_timestamp() - interval '1 second' "
        "WHERE project_id = $1 AND id = any($2::bigint[])",
        project.id,
        [secret.id, public.id],
    )
    assert len(await service.close_due(pool)) == 2


async def _licenses(pool: asyncpg.Pool, project: Project, author: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await agreements.add_license_text(
            conn, project.id, "LicenseRef-Aurora-Data", "Aurora Data License", "Share.", ACTOR
        )
        await trademarks.set_notice(
            conn, project.id, "Aurora", "Aurora stewards", "Use it kindly.", None, ACTOR
        )
        await trademarks.set_notice(
            conn, project.id, "Aurora", "Aurora stewards", "Use it kindly.",
            "https://aurora.invalid/marks", ACTOR,
        )  # fmt: skip
        grant_id = await conn.fetchval(
            "SELECT min(id) FROM grants WHERE project_id = $1 AND instrument = 'icla'", project.id
        )
        now = await conn.fetchval("SELECT clock_timestamp()")
        await grants.withdraw_grant(conn, project.id, grant_id, now, "left", now, ACTOR)
    await _signoffs(pool, project, author)


async def _signoffs(pool: asyncpg.Pool, project: Project, author: int) -> None:
    """A sign-off seen on a second contribution of the same commit extends its grant."""
    from licenses.dco import record_signoffs

    async with pool.acquire() as conn, conn.transaction():
        await people.link_identity(
            conn, project.id, source="gitlab", external_id="77", contributor_id=author,
            email="dev@aurora.invalid", actor=ACTOR,
        )  # fmt: skip
    signed = {"commit": SHA, "signoffs": [author]}
    when = datetime(2026, 3, 1, tzinfo=UTC)
    first = await contribute(pool, project.id, author, when, f"tour:{SHA}", metadata=signed)
    again = await contribute(pool, project.id, author, when, f"tour:{SHA}:2", metadata=signed)
    for contribution in (first, again):
        async with pool.acquire() as conn, conn.transaction():
            await record_signoffs(conn, project.id, [contribution], ACTOR)


async def _treasury(pool: asyncpg.Pool, project: Project) -> None:
    async with pool.acquire() as conn, conn.transaction():
        converted, _ = await convert_currency(
            conn, project.id, key="tour-fx", money=Money(10_000, "EUR"), to_currency="USD",
            fx_rate=Decimal("1.0825"), fx_source="ECB", fx_date=date(2026, 3, 2),
            memo="dollars for the audit", actor=ACTOR,
        )  # fmt: skip
        await reverse(
            conn, project.id, key="tour-undo", transaction_id=converted.id,
            memo="wrong rate", actor=ACTOR,
        )  # fmt: skip


async def _intake(
    pool: asyncpg.Pool, project: Project, poster: Poster, database_url: str, ids: list[int]
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        for old in await list_secrets(conn, project.id):  # the demo's own forge secrets
            if old.retired_at is None:
                await retire_secret(conn, project, old.forge, old.id, ACTOR)
        for forge in ("github", "standard"):
            await connect_forge(conn, project, forge, secret_for(forge), "tour", ACTOR)
        spare = await connect_forge(conn, project, "github", "spare-secret-0002", "spare", ACTOR)
        await retire_secret(conn, project, "github", spare.id, ACTOR)
        await connect_forge(
            conn, project, "gitlab", secret_for("gitlab"), "tour", ACTOR, "https://gitlab.invalid"
        )
    worker = Worker(pool, database_url, WorkerConfig(max_attempts=1, backoff_seconds=0))
    push = payload("github_push")
    push["repository"]["html_url"] = project.repositories[0]
    assert (await poster.post("github", push, slug=SLUG)).status_code == 202
    unknown = payload("standard_contribution")
    unknown["data"]["kind"] = "poetry"
    assert (await poster.post("standard", unknown, slug=SLUG)).status_code == 202
    # A merge request names its author by id alone; a later note gives the name.
    merged, note = payload("gitlab_merge_request"), payload("gitlab_note")
    note["user"] = {"id": 51, "name": "Nadia Author", "username": "nadia"}
    merged["project"]["web_url"] = project.repositories[0]
    note["project"] = merged["project"]
    for event, body in (("Merge Request Hook", merged), ("Note Hook", note)):
        assert (await poster.post("gitlab", body, event=event, slug=SLUG)).status_code == 202
    assert await worker.drain() == 4
    (letter,) = await inbox.dead_letters(pool, project.id)
    async with pool.acquire() as conn, conn.transaction():
        await inbox.replay(conn, project.id, letter.inbox_id, ACTOR)
        merge_id = await merges.merge(conn, project.id, ids[5], ids[4], ACTOR)
        await merges.unmerge(conn, project.id, merge_id, ACTOR)
        # A second server's account that migration 0018 split off: its unmerge lists
        # the contributions it hands back (the journal never saw that merge).
        release = NewContribution(
            ids[3], "code", datetime(2026, 3, 2, tzinfo=UTC), "gitea", "gitea:release:41",
            "https://git.two.example/aurora/maps/releases/tag/v41",
        )  # fmt: skip
        await record_contributions(conn, project.id, [release], ACTOR)
        account = ("gitea", "git.two.example", "41", "tour-twin")
        _, split = await split_as_0018(conn, ids[3], account, [project.id])
        await merges.unmerge(conn, project.id, split, ACTOR)
        await set_intake_settings(
            conn, await projects.get_project(conn, SLUG), ACTOR, bots=["tour-bot"],
            assistant_credit=True, merge_commits="maintenance", mailmap="apply",
        )  # fmt: skip
        await bot_marks.mark_bot(conn, ids[5], True, ACTOR)
        await bot_marks.mark_bot(conn, ids[5], False, ACTOR)
        forgotten = await conn.fetchval(
            "SELECT contributor_id FROM identities WHERE source = 'github' AND login = $1",
            "aurora-dev1",
        )
        await erase_contributor(conn, forgotten, ACTOR)
