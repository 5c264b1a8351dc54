from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import asyncpg
import pytest

from ledger.kernel.errors import IdempotencyMismatch, InvalidInput
from licenses import agreements, coverage, grants, service
from licenses.dco import record_signoffs
from licenses.models import RIGHTS, Authorisation, NewGrant
from tests.integration.licenses.conftest import World, at, contribute

SHA = "0123456789abcdef0123456789abcdef01234567"


def icla(contributor: int, key: str, version: int, scope_from: object = None) -> NewGrant:
    return NewGrant(
        natural_key=key,
        instrument="icla",
        grantee="steward",
        license_expression="Apache-2.0",
        rights=RIGHTS,
        patent_grant=True,
        irrevocable=True,
        royalty_free=True,
        effective_at=at(1),
        grantor_contributor_id=contributor,
        agreement_version=version,
        scope_from=at(1) if scope_from is None else scope_from,  # type: ignore[arg-type]
        signature_method="typed name",
    )


async def test_the_database_refuses_an_exclusive_grant_written_directly(
    pool: asyncpg.Pool, world: World
) -> None:
    insert = """
    INSERT INTO grants (project_id, natural_key, grantor_contributor_id, grantee, instrument,
        license_expression, rights, patent_grant, irrevocable, royalty_free, scope, scope_from,
        effective_at, recorded_by, {column})
    VALUES ($1, 'k', $2, 'steward', 'explicit', 'MIT', '{{reproduce}}', false, true, true,
        'from_date', now(), now(), 'x', $3)
    """
    cases = [
        ("exclusive", True, "grants_non_exclusive"),
        ("ownership_retained", False, "grants_ownership_retained"),
        ("trademark_excluded", False, "grants_trademark_excluded"),
    ]
    for column, value, constraint in cases:
        with pytest.raises(asyncpg.CheckViolationError) as raised:
            await pool.execute(insert.format(column=column), world.project.id, world.ada, value)
        assert raised.value.constraint_name == constraint


async def test_a_grant_can_only_be_withdrawn_never_rewritten_or_deleted(
    pool: asyncpg.Pool, world: World
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await agreements.publish_agreement(
            conn, world.project.id, "icla", "ICLA", "I grant.", at(1), "admin"
        )
        grant, created = await service.record_grant(
            conn, world.project, icla(world.ada, "k1", 1), "admin"
        )
    assert created
    with pytest.raises(asyncpg.exceptions.RestrictViolationError):
        await pool.execute("UPDATE grants SET license_expression = 'MIT' WHERE id = $1", grant.id)
    with pytest.raises(asyncpg.exceptions.RestrictViolationError):
        await pool.execute("DELETE FROM grants WHERE id = $1", grant.id)


async def test_a_replayed_grant_key_returns_the_first_and_refuses_other_facts(
    pool: asyncpg.Pool, world: World
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await agreements.publish_agreement(
            conn, world.project.id, "icla", "ICLA", "I grant.", at(1), "admin"
        )
        first, _ = await service.record_grant(
            conn, world.project, icla(world.ada, "k1", 1), "admin"
        )
        again, created = await service.record_grant(
            conn, world.project, icla(world.ada, "k1", 1), "admin"
        )
        assert (again.id, created) == (first.id, False)
        with pytest.raises(IdempotencyMismatch):
            await service.record_grant(conn, world.project, icla(world.bob, "k1", 1), "admin")


async def test_sign_offs_matching_the_author_become_one_dco_grant_each(
    pool: asyncpg.Pool, world: World
) -> None:
    signed = {"commit": SHA, "signoffs": [world.ada, world.bob]}
    first = await contribute(
        pool, world.project.id, world.ada, at(3), f"commit:{SHA}", metadata=signed
    )
    plain = await contribute(pool, world.project.id, world.ada, at(4), "commit:other")
    batch = [first, plain]
    async with pool.acquire() as conn, conn.transaction():
        assert await record_signoffs(conn, world.project.id, batch, "intake") == 1
        assert await record_signoffs(conn, world.project.id, batch, "intake") == 0
        covering = await coverage.covering_grant(conn, world.project.id, first.id)
        assert covering is not None
        grant = await grants.get_grant(conn, world.project.id, covering)
        assert (grant.instrument, grant.license_expression, grant.commit_sha) == (
            "dco",
            "GPL-2.0-or-later",
            SHA,
        )
        assert await coverage.covering_grant(conn, world.project.id, plain.id) is None
        types = [
            r["type"]
            for r in await conn.fetch(
                "SELECT type FROM journal_events WHERE project_id = $1 ORDER BY seq",
                world.project.id,
            )
        ]
        bodies = await conn.fetch("SELECT body::text AS b FROM journal_events")
    assert types[-2:] == ["agreement.published", "grant.recorded"]
    assert not any("ada@example.org" in r["b"] for r in bodies)


async def test_a_new_agreement_version_stops_old_acceptances_covering_later_work(
    pool: asyncpg.Pool, world: World
) -> None:
    before = await contribute(pool, world.project.id, world.ada, at(5), "c1")
    after = await contribute(pool, world.project.id, world.ada, at(20, 1, 2031), "c2")
    async with pool.acquire() as conn, conn.transaction():
        await agreements.publish_agreement(
            conn, world.project.id, "icla", "ICLA", "v1 text", at(1), "admin"
        )
        grant, _ = await service.record_grant(
            conn, world.project, icla(world.ada, "k1", 1), "admin"
        )
        assert await coverage.covering_grant(conn, world.project.id, after.id) == grant.id
        with pytest.raises(InvalidInput):
            await agreements.publish_agreement(
                conn, world.project.id, "icla", "ICLA", "backdated", at(10), "admin"
            )
        await agreements.publish_agreement(
            conn, world.project.id, "icla", "ICLA", "v2 text", at(10, 1, 2030), "admin"
        )
        assert await coverage.covering_grant(conn, world.project.id, before.id) == grant.id
        assert await coverage.covering_grant(conn, world.project.id, after.id) is None


async def test_withdrawal_leaves_earlier_contributions_covered(
    pool: asyncpg.Pool, world: World
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await agreements.publish_agreement(
            conn, world.project.id, "icla", "ICLA", "v1", at(1), "admin"
        )
        grant, _ = await service.record_grant(
            conn, world.project, icla(world.ada, "k1", 1), "admin"
        )
        now = await conn.fetchval("SELECT now()")
        with pytest.raises(InvalidInput):
            await service.withdraw_grant(
                conn, world.project.id, grant.id, now - timedelta(days=1), "", "admin"
            )
        await service.withdraw_grant(conn, world.project.id, grant.id, now, "left", "admin")
    earlier = await contribute(pool, world.project.id, world.ada, now - timedelta(hours=1), "c1")
    later = await contribute(pool, world.project.id, world.ada, now + timedelta(hours=1), "c2")
    assert await coverage.covering_grant(pool, world.project.id, earlier.id) == grant.id
    assert await coverage.covering_grant(pool, world.project.id, later.id) is None


async def test_a_corporate_cla_covers_people_by_domain_and_by_membership(
    pool: asyncpg.Pool, world: World
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        org = await conn.fetchval("INSERT INTO organisations (name) VALUES ('Corp') RETURNING id")
        await agreements.publish_agreement(
            conn, world.project.id, "ccla", "CCLA", "corp grants", at(1), "admin"
        )
        ccla = NewGrant(
            natural_key="ccla",
            instrument="ccla",
            grantee="steward",
            license_expression="Apache-2.0",
            rights=RIGHTS,
            patent_grant=True,
            irrevocable=True,
            royalty_free=True,
            effective_at=at(1),
            grantor_organisation_id=org,
            agreement_version=1,
            scope_from=at(1),
            authorisations=(Authorisation("email_domain", None, "corp.example"),),
        )
        grant, _ = await service.record_grant(conn, world.project, ccla, "admin")
        members = replace(ccla, natural_key="ccla2", authorisations=(Authorisation("membership"),))
        member_grant, _ = await service.record_grant(conn, world.project, members, "admin")
        await conn.execute(
            "INSERT INTO affiliations (contributor_id, organisation_id, valid_from, valid_to) "
            "VALUES ($1, $2, '2025-01-10', '2025-01-20')",
            world.ada,
            org,
        )
    bob = await contribute(pool, world.project.id, world.bob, at(2), "b1")
    ada_in = await contribute(pool, world.project.id, world.ada, at(15), "a1")
    ada_out = await contribute(pool, world.project.id, world.ada, at(25), "a2")
    assert await coverage.covering_grant(pool, world.project.id, bob.id) == grant.id
    assert await coverage.covering_grant(pool, world.project.id, ada_in.id) == member_grant.id
    assert await coverage.covering_grant(pool, world.project.id, ada_out.id) is None


async def test_a_sign_off_by_another_identity_of_a_merged_person_counts(
    pool: asyncpg.Pool, world: World
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        old = await conn.fetchval(
            "INSERT INTO contributors (display_name, merged_into) VALUES ('Ada (old)', $1) "
            "RETURNING id",
            world.ada,
        )
        await conn.execute(
            "INSERT INTO identities (contributor_id, source, external_id, email) "
            "VALUES ($1, 'git', 'ada-old', 'ada@old.example')",
            old,
        )
    signed = await contribute(
        pool,
        world.project.id,
        world.ada,
        at(3),
        f"commit:{SHA}",
        metadata={"commit": SHA, "signoffs": [old]},
    )
    # signed under an identity that was merged into Ada: her own sign-off
    async with pool.acquire() as conn, conn.transaction():
        done = await record_signoffs(conn, world.project.id, [signed], "intake")
        assert done == 1


async def test_a_corporate_cla_covers_a_named_contributor_and_journals_one_event(
    pool: asyncpg.Pool, world: World
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        org = await conn.fetchval("INSERT INTO organisations (name) VALUES ('Corp') RETURNING id")
        await agreements.publish_agreement(
            conn, world.project.id, "ccla", "CCLA", "corp grants", at(1), "admin"
        )
        before = await conn.fetchval(
            "SELECT count(*) FROM journal_events WHERE project_id = $1", world.project.id
        )
        ccla = NewGrant(
            natural_key="ccla",
            instrument="ccla",
            grantee="steward",
            license_expression="Apache-2.0",
            rights=RIGHTS,
            patent_grant=True,
            irrevocable=True,
            royalty_free=True,
            effective_at=at(1),
            grantor_organisation_id=org,
            agreement_version=1,
            scope_from=at(1),
            authorisations=(Authorisation("contributor", world.ada),),
        )
        grant, _ = await service.record_grant(conn, world.project, ccla, "admin")
        events = await conn.fetch(
            "SELECT type, body FROM journal_events WHERE project_id = $1 AND seq > $2",
            world.project.id,
            before,
        )
    assert [(e["type"], e["body"]["grant_id"], e["body"]["exclusive"]) for e in events] == [
        ("grant.recorded", grant.id, False)
    ]
    ada = await contribute(pool, world.project.id, world.ada, at(2), "a1")
    bob = await contribute(pool, world.project.id, world.bob, at(2), "b1")
    assert await coverage.covering_grant(pool, world.project.id, ada.id) == grant.id
    assert await coverage.covering_grant(pool, world.project.id, bob.id) is None


async def test_a_grant_listing_a_contribution_wins_over_a_date_scoped_one(
    pool: asyncpg.Pool, world: World
) -> None:
    work = await contribute(pool, world.project.id, world.ada, at(5), "c1")
    async with pool.acquire() as conn, conn.transaction():
        await agreements.publish_agreement(
            conn, world.project.id, "icla", "ICLA", "v1", at(1), "admin"
        )
        await service.record_grant(conn, world.project, icla(world.ada, "wide", 1), "admin")
        listed = replace(icla(world.ada, "narrow", 1), scope_from=None, contribution_ids=(work.id,))
        narrow, _ = await service.record_grant(conn, world.project, listed, "admin")
    assert await coverage.covering_grant(pool, world.project.id, work.id) == narrow.id


async def test_concurrent_recordings_of_one_key_make_one_grant_and_one_event(
    pool: asyncpg.Pool, world: World
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await agreements.publish_agreement(
            conn, world.project.id, "icla", "ICLA", "v1", at(1), "admin"
        )

    async def attempt() -> tuple[int, bool]:
        async with pool.acquire() as conn, conn.transaction():
            grant, created = await service.record_grant(
                conn, world.project, icla(world.ada, "same", 1), "admin"
            )
            return grant.id, created

    results = await asyncio.gather(*(attempt() for _ in range(4)))
    assert len({grant_id for grant_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    recorded = await pool.fetchval(
        "SELECT count(*) FROM journal_events WHERE type = 'grant.recorded'"
    )
    assert recorded == 1
