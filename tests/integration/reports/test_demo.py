"""The demo seeds a whole commons through each area's store, and its report verifies."""

from __future__ import annotations

import asyncpg
import pytest

from app.demo import seed_demo
from ledger.journal.keys import KeyRing
from ledger.kernel.errors import Conflict
from reports.build import signed_report
from reports.render.html import render_html
from reports.verify import verify_report


async def test_the_demo_commons_reports_every_area_and_verifies(pool: asyncpg.Pool) -> None:
    seeded = await seed_demo(pool, contributors=40, contributions=400)
    assert seeded.counts["contributors"] == 40
    assert seeded.counts["contributions"] == 420
    assert seeded.counts["proposals"] == 6
    ring = KeyRing.generate()
    year = await pool.fetchval("SELECT to_char(max(occurred_at), 'YYYY') FROM contributions")
    report = await signed_report(pool, "aurora", year, ring)
    doc = report["report"]
    assert verify_report(report, ring.jwks()).ok
    flagged = doc["funding"]["non_commons"]
    assert [(f["name"], f["reason"]) for f in flagged] == [
        ("Kestrel Systems", "asks for a roadmap commitment in return")
    ]
    assert doc["licensing"]["grants_by_instrument"].keys() == {
        "ccla", "dco", "explicit", "icla", "inbound_outbound"
    }  # fmt: skip
    assert [i["license"] for i in doc["licensing"]["incompatible_inbound"]] == ["GPL-3.0-only"]
    closed = await pool.fetch("SELECT method, outcome FROM proposals ORDER BY id")
    assert [(r["method"], r["outcome"]) for r in closed][3:] == [
        ("lazy_consensus", "failed"),
        ("consent", "passed"),
        ("majority", "passed"),
        ("majority", None),
    ]
    assert seeded.counts["open proposals"] == 1
    paid = await pool.fetchval("SELECT count(*) FROM treasury_transactions WHERE kind = 'expense'")
    assert paid == 1
    page = render_html(doc)
    assert page.count("<svg") == 4  # per month, by kind, EUR and USD funding
    assert "funding in USD; non-commons, shown in red: Kestrel Systems." in page
    bots = await pool.fetchval("SELECT count(*) FROM contributions WHERE NOT counted")
    assert bots == 20
    with pytest.raises(Conflict, match="already exists"):
        await seed_demo(pool, contributors=40, contributions=400)
