"""The quality, sustainability and rules sections of a signed report are recomputed by
``verify`` from the journal's events, and a changed figure signed again is refused."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from intake import merges
from ledger.journal.keys import InstanceKeys
from reports.build import sign_document, signed_report
from reports.critics.glossary import GLOSSARY
from reports.verify import verify_report
from tests.integration.reports.critics_seed import seed_cohorts, seed_rules, seed_threads

Report = dict[str, Any]


def _failed(signed: Report, keys: InstanceKeys) -> list[str]:
    return [name for name, ok, _ in verify_report(signed, keys.jwks()).checks if not ok]


def _lie(signed: Report, keys: InstanceKeys, edit: Callable[[Report], None]) -> Report:
    doc = copy.deepcopy(signed["report"])
    edit(doc)
    return sign_document(doc, keys)


async def test_the_quality_section_verifies_and_a_changed_figure_does_not(
    pool: asyncpg.Pool,
) -> None:
    await seed_threads(pool)
    keys = InstanceKeys.generate()
    signed = await signed_report(pool, "threads", "2026-07", keys)
    assert _failed(signed, keys) == []
    quality = signed["report"]["quality"]
    assert (quality["coverage"]["share"], quality["reverts"]["reverted"]) == ("0.7500", 5)
    assert signed["report"]["glossary"] == GLOSSARY

    def coverage(d: Report) -> None:
        d["quality"]["coverage"]["share"] = "1.0000"

    def hide_self_merge(d: Report) -> None:
        d["quality"]["coverage"]["self_merged_changes"].pop()

    def faster(d: Report) -> None:
        d["quality"]["response"]["changes"]["median_seconds"] = 60

    def fewer_reverts(d: Report) -> None:
        d["quality"]["reverts"]["by_reverter"][0]["reverted"] = 0

    def redefine(d: Report) -> None:
        d["glossary"][4]["definition"] = "Whatever the maintainers say."

    for edit, check in (
        (coverage, "figure quality.coverage.share"),
        (hide_self_merge, "figure quality.coverage.self_merged_changes"),
        (faster, "figure quality.response.changes.median_seconds"),
        (fewer_reverts, "figure quality.reverts.by_reverter[0].reverted"),
        (redefine, "figure glossary"),
    ):
        failed = _failed(_lie(signed, keys, edit), keys)
        assert failed == [check], (edit.__name__, failed)


async def test_the_sustainability_section_verifies_and_a_changed_figure_does_not(
    pool: asyncpg.Pool,
) -> None:
    await seed_cohorts(pool)
    keys = InstanceKeys.generate()
    for label in ("2025", "2025-01-01..2025-11-15", "2025-Q3"):
        signed = await signed_report(pool, "cohorts", label, keys)
        assert _failed(signed, keys) == [], label
    sustainability = signed["report"]["sustainability"]
    assert sustainability["retention"][0] == {"cohort": "2025-Q1", "size": 2, "retained": [1, 1],
                                              "shares": ["0.5000", "0.5000"]}  # fmt: skip

    def keep_more(d: Report) -> None:
        d["sustainability"]["retention"][0]["retained"][1] = 2

    def less_concentrated(d: Report) -> None:
        d["sustainability"]["trend"][0]["elephant_factor"]["by_count"] = 3

    def longer_runway(d: Report) -> None:
        d["sustainability"]["funding"]["runway"]["months"] = 60

    for edit, check in (
        (keep_more, "figure sustainability.retention[0].retained[1]"),
        (less_concentrated, "figure sustainability.trend[0].elephant_factor.by_count"),
        (longer_runway, "figure sustainability.funding.runway.months"),
    ):
        assert _failed(_lie(signed, keys, edit), keys) == [check], edit.__name__


async def test_the_rules_section_verifies_and_a_changed_figure_does_not(pool: asyncpg.Pool) -> None:
    seeded = await seed_rules(pool)
    keys = InstanceKeys.generate()
    today = datetime.now(UTC).date()
    label = f"{today - timedelta(days=3)}..{today + timedelta(days=1)}"
    signed = await signed_report(pool, "rules", label, keys)
    assert _failed(signed, keys) == []
    rules = signed["report"]["rules"]
    assert rules["vetoes"][0]["proposal_id"] == seeded.ids["p2"]

    def all_by_vote(d: Report) -> None:
        d["rules"]["share_by_vote"] = "1.0000"

    def hide_veto_reason(d: Report) -> None:
        d["rules"]["vetoes"][0]["reasons"] = []

    def credit_policy_by_vote(d: Report) -> None:
        d["rules"]["in_force"][1]["proposal_id"] = seeded.ids["p1"]

    def quicker(d: Report) -> None:
        d["rules"]["to_decision"]["p90_seconds"] = 0 if rules["to_decision"]["p90_seconds"] else 1

    for edit, check in (
        (all_by_vote, "figure rules.share_by_vote"),
        (hide_veto_reason, "figure rules.vetoes[0].reasons"),
        (credit_policy_by_vote, "figure rules.in_force[1].proposal_id"),
        (quicker, "figure rules.to_decision.p90_seconds"),
    ):
        assert _failed(_lie(signed, keys, edit), keys) == [check], edit.__name__


async def test_a_reviewer_merged_into_the_author_no_longer_reviews_them(pool: asyncpg.Pool) -> None:
    seeded = await seed_threads(pool)
    async with pool.acquire() as conn, conn.transaction():
        await merges.merge(conn, seeded.project_id, seeded.ids["dee"], seeded.ids["bob"], "admin")
    keys = InstanceKeys.generate()
    signed = await signed_report(pool, "threads", "2026-07", keys)
    assert _failed(signed, keys) == []
    coverage = signed["report"]["quality"]["coverage"]
    assert (coverage["reviewed"], coverage["share"]) == (2, "0.5000")  # PR3 was dee's review of bob
    issues = signed["report"]["quality"]["response"]["issues"]
    assert issues["answered"] == 1  # I1 (dee's, now bob's) was answered by ann
