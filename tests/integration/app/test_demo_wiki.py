"""The demo's wiki project: a report of peer production that is not code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from app.demo.wiki import seed_wiki
from ledger.journal.keys import InstanceKeys
from reports.build import signed_report
from reports.verify import verify_report


async def test_the_demo_wiki_reports_mostly_non_code_work_under_its_terms(
    pool: asyncpg.Pool,
) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=365)
    counts = await seed_wiki(pool, start, pages=30)
    assert counts["wiki contributions"] < counts["wiki revisions"]  # reverted edits earn nothing
    ring = InstanceKeys.generate()
    year = await pool.fetchval("SELECT to_char(max(occurred_at), 'YYYY') FROM contributions")
    report = await signed_report(pool, "larder", year, ring)
    outcome = verify_report(report, ring.jwks())
    assert outcome.ok, [c for c in outcome.checks if not c[1]]
    mix = report["report"]["contributors"]["mix"]
    kinds = {k["kind"] for k in mix["by_kind"]}
    assert {"content", "question", "maintenance", "design"} <= kinds
    assert mix["non_code_contributions"] > mix["code_contributions"]
    grants = report["report"]["licensing"]["grants_by_instrument"]
    assert set(grants) == {"inbound_outbound"}
    anonymous = await pool.fetchval(
        "SELECT count(*) FROM identities WHERE external_id = 'larderwiki:anonymous'"
    )
    assert anonymous == 1
    assert await pool.fetchval(
        "SELECT bool_and(is_bot) FROM contributors WHERE display_name = 'LarderBot'"
    )
