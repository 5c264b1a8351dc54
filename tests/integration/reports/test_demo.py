"""The demo seeds a whole commons through each area's store, and its report verifies."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
import pytest

from app.demo import seed_demo
from ledger.journal.keys import InstanceKeys
from ledger.kernel.errors import Conflict
from reports.build import signed_report
from reports.render.html import render_html
from reports.verify import verify_report


async def _the_demo_year_shows_its_money(pool: asyncpg.Pool, keys: InstanceKeys) -> None:
    today = date.today()
    label = f"{today - timedelta(days=366)}..{today}"
    report = await signed_report(pool, "aurora", label, keys)
    verdict = verify_report(report, keys.jwks())
    assert [c for c in verdict.checks if not c[1]] == []
    f = report["report"]["funding"]
    assert {s["approved_by"] for s in f["spending"]} == {"vote", "maintainer"}
    assert [r["reverses_kind"] for r in f["corrections"]["reversals"]] == ["expense"]
    assert {b["fund"] for b in f["balances"]} == {"main", "reserve"}
    assert f["reporting"]["currency"] == "EUR"
    assert f["reporting"]["unvalued"] == []
    assert any(p["overdue"] for p in f["pledges"]["outstanding"])
    assert {(i["category"], i["value"]) for i in f["in_kind"]} == {
        ("ci_minutes", "1200.00"), ("hosting", "600.00")
    }  # fmt: skip
    fees = next(x for x in f["fees"] if x["currency"] == "EUR")
    assert int(fees["processor_fees_minor"]) > 0
    assert int(fees["host_fees_minor"]) > 0
    assert int(fees["net_minor"]) < int(fees["gross_minor"])
    assert f["runway"]["reporting"]["months_of_spending"] is not None
    assert f["approved_by_vote"]["by_vote"] == 1
    assert "anonymous" in {s["name"] for s in f["sponsor_names"]}
    page = render_html(report["report"])
    for caption in ("Spending: every expense", "Money held per fund", "Outstanding pledges",
                    "In-kind support", "gross and net of fees", "Runway"):  # fmt: skip
        assert caption in page
    assert "Hollow Pine" not in page
    (voted,) = [s["proposal_id"] for s in f["spending"] if s["approved_by"] == "vote"]
    link = f'<a href="#proposal-{voted}">vote: proposal #{voted}</a>'
    assert link in page
    assert f'<tr id="proposal-{voted}">' in page


async def _the_demo_year_answers_the_critics(pool: asyncpg.Pool, keys: InstanceKeys) -> None:
    today = date.today()
    report = await signed_report(pool, "aurora", f"{today - timedelta(days=366)}..{today}", keys)
    assert [c for c in verify_report(report, keys.jwks()).checks if not c[1]] == []
    q, s, r = (report["report"][k] for k in ("quality", "sustainability", "rules"))
    coverage = q["coverage"]
    assert 0 < coverage["reviewed"] < coverage["merged"] == 21  # 20 recorded, 1 delivered
    assert [b["repository"] for b in coverage["by_repository"]] == ["aurora/aurora", "aurora/tiles"]
    assert coverage["self_merged"] == len(coverage["self_merged_changes"]) > 0
    assert q["response"]["changes"]["answered"] > 0
    assert q["response"]["issues"]["median_seconds"] <= q["response"]["issues"]["p90_seconds"]
    assert {x["source"] for x in q["reverts"]["by_source"]} == {"git", "github"}
    assert min(q["work"]["test"], q["work"]["doc"]) > 0
    first = s["retention"][0]
    assert len(first["retained"]) == len(s["quarters"]) - 1
    assert 0 < max(first["retained"]) <= first["size"]
    assert all(t["absence_factor"]["by_count"] > 0 for t in s["trend"])
    assert s["funding"]["runway"] == report["report"]["funding"]["runway"]
    assert (r["by_vote"], r["vetoes"][0]["reasons"]) == (6, ["the plugin API still has users"])
    assert [x["rule"] for x in r["in_force"]] == [
        "credit_policy", "setting:code_of_conduct", "setting:intake_assistant_credit",
        "setting:treasury", "proposals:expense", "proposals:general",
    ]  # fmt: skip
    adopted = next(x for x in r["in_force"] if x["rule"] == "setting:code_of_conduct")
    first = await pool.fetchval("SELECT min(id) FROM proposals WHERE outcome = 'passed'")
    assert (adopted["value"]["title"], adopted["proposal_id"]) == (
        "Aurora Code of Conduct v2",
        first,
    )


async def test_the_demo_commons_reports_every_area_and_verifies(pool: asyncpg.Pool) -> None:
    seeded = await seed_demo(pool, contributors=40, contributions=400)
    assert seeded.counts["contributors"] == 40
    assert seeded.counts["contributions"] == 420
    assert seeded.counts["proposals"] == 6
    assert seeded.counts["wiki contributions"] > 0  # project larder, a cookbook wiki
    keys = InstanceKeys.generate()
    year = await pool.fetchval("SELECT to_char(max(occurred_at), 'YYYY') FROM contributions")
    report = await signed_report(pool, "aurora", year, keys)
    doc = report["report"]
    verdict = verify_report(report, keys.jwks())
    assert [c for c in verdict.checks if not c[1]] == []
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
    assert paid == 15  # twelve hosting bills, one charged twice, a claim and the audit
    page = render_html(doc)
    # per month, by kind, EUR and USD funding; review coverage, response times, retention,
    # the quarterly factors and turnout
    assert page.count("<svg") == 9
    assert "funding in USD; non-commons, shown in red: Kestrel Systems." in page
    bots = await pool.fetchval(
        "SELECT count(*) FROM contributions c JOIN projects p ON p.id = c.project_id "
        "WHERE NOT c.counted AND p.slug = 'aurora'"
    )
    assert bots == 20
    await _the_demo_year_shows_its_money(pool, keys)
    await _the_demo_year_answers_the_critics(pool, keys)
    with pytest.raises(Conflict, match="already exists"):
        await seed_demo(pool, contributors=40, contributions=400)
