"""A history with merges, an unmerge, a withdrawn listed grant and a newer agreement
version still verifies: the offline recomputation replays them as the register applied
them, and agrees with the SQL figures down to coverage, also from a journal written
before the unmerge's event had its version 2."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from msgspec import UNSET

from intake import merges
from ledger.journal.events.intake import ContributorsUnmergedV1
from ledger.journal.keys import InstanceKeys
from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution
from ledger.register.projects import ProjectInput, create_project
from licenses import agreements, service
from licenses.models import NewGrant, default_rights
from reports.build import signed_report
from reports.verify import verify_report


def at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


async def _history(pool: asyncpg.Pool) -> dict[str, int]:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(
            conn, ProjectInput("hist", "History", outbound_license="Apache-2.0"), "admin"
        )
        ada, bob, cyd, dan = [(await people.create_contributor(conn, n)).id for n in "ABCD"]
        org = (await people.create_organisation(conn, "Hist Org")).id
        await people.add_affiliation(conn, dan, org)
        work = [
            NewContribution(who, kind, at(year, month), "manual", f"{who}-{year}-{month}-{kind}")
            for who in (ada, bob, cyd, dan)
            for year, month in ((2030, 3), (2030, 9), (2031, 3), (2031, 9))
            for kind in ("code", "doc")
        ]
        recorded = await record_contributions(conn, project.id, work, "admin")
        bobs = tuple(r.contribution.id for r in recorded if r.contribution.contributor_id == bob)
        await agreements.publish_agreement(
            conn, project.id, "icla", "ICLA", "v1", at(2025, 1, 1), "admin"
        )
        icla = NewGrant(
            "icla-ada", "icla", "steward", "Apache-2.0", default_rights("icla"), True, True,
            True, at(2025, 1, 1), grantor_contributor_id=ada, scope_from=at(2025, 1, 1),
        )  # fmt: skip
        await service.record_grant(conn, project, icla, "admin")
        await agreements.publish_agreement(
            conn, project.id, "icla", "ICLA", "v2", at(2031, 1, 1), "admin"
        )
        explicit = NewGrant(
            "bob-explicit", "explicit", "steward", "MIT", default_rights("explicit"), True,
            True, True, at(2025, 1, 1), grantor_contributor_id=bob, contribution_ids=bobs,
        )  # fmt: skip
        granted, _ = await service.record_grant(conn, project, explicit, "admin")
        await service.withdraw_grant(conn, project.id, granted.id, at(2030, 6, 1), "left", "a")
        await merges.merge(conn, project.id, cyd, ada, "admin")
        undone = await merges.merge(conn, project.id, dan, bob, "admin")
        await merges.unmerge(conn, project.id, undone, "admin")
        return {"ada": ada, "bob": bob, "cyd": cyd, "dan": dan}


async def test_merges_withdrawals_and_agreement_versions_recompute_exactly(
    pool: asyncpg.Pool,
) -> None:
    await _history(pool)
    keys = InstanceKeys.generate()
    report = await signed_report(pool, "hist", "2030-01-01..2031-12-31", keys)
    verdict = verify_report(report, keys.jwks())
    assert verdict.ok, [c for c in verdict.checks if not c[1]]
    doc = report["report"]
    assert doc["contributors"]["active_contributors"] == 3
    licensing = doc["licensing"]
    # Ada's ICLA v1 covers her work and the merged-in Cyd's until v2 takes effect in 2031
    # (4 of 8 each); Bob's listed grant only what he made before its withdrawal (2 of 8).
    assert (licensing["contributions"], licensing["covered"]) == (32, 10)
    assert licensing["grants_by_instrument"] == {"explicit": 1, "icla": 1}
    assert licensing["incompatible_inbound"] == []


def _as_version_one(contribution_ids: Any = UNSET, **fields: int) -> ContributorsUnmergedV1:
    """The unmerge's event as the writers before version 2 built it."""
    assert contribution_ids is UNSET  # the merge was journaled: nothing to list
    return ContributorsUnmergedV1(**fields)


async def test_a_journal_written_with_version_one_of_the_unmerge_still_verifies(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merges, "ContributorsUnmerged", _as_version_one)
    await _history(pool)
    written = "SELECT version, body FROM journal_events WHERE type = 'contributors.unmerged'"
    ((version, body),) = [tuple(r) for r in await pool.fetch(written)]
    assert (version, sorted(body)) == (1, ["contributions", "merge_id", "source", "target"])
    keys = InstanceKeys.generate()
    report = await signed_report(pool, "hist", "2030-01-01..2031-12-31", keys)
    verdict = verify_report(report, keys.jwks())
    assert verdict.ok, [c for c in verdict.checks if not c[1]]
    assert report["report"]["contributors"]["active_contributors"] == 3
