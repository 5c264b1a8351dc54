"""Reports served over HTTP in every format, valid against their published schema."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from importlib import resources

import asyncpg
import jsonschema  # type: ignore[import-untyped]
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ledger.journal.chain import append_event
from ledger.journal.events.governance import ProposalClosed, SheetRow
from reports.verify import verify_report
from tests.integration.reports.seed import seed_chaoss

Client = AsyncTestClient[Litestar]


def _schema() -> dict[str, object]:
    text = resources.files("reports").joinpath("report.schema.json").read_text()
    loaded: dict[str, object] = json.loads(text)
    return loaded


async def test_the_json_report_follows_its_schema_and_verifies_with_the_served_keys(
    client: Client, pool: asyncpg.Pool
) -> None:
    await seed_chaoss(pool)
    response = await client.get("/projects/chaoss/reports/2026-Q3.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    signed = response.json()
    jsonschema.Draft202012Validator(_schema()).validate(signed)
    keys = (await client.get("/.well-known/jwks.json")).json()
    assert verify_report(signed, keys).ok
    assert signed["report"]["contributors"]["absence_factor"] == {"by_count": 2, "by_credit": 3}


async def test_the_html_page_is_self_contained_and_accessible(
    client: Client, pool: asyncpg.Pool
) -> None:
    await seed_chaoss(pool)
    response = await client.get("/projects/chaoss/reports/2026-07.html")
    assert response.status_code == 200
    page = response.text
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    assert page.count("<svg") == 4  # per month, by kind, retention by cohort, quarterly factors
    assert "<script" not in page
    assert "src=" not in page
    assert 'role="img" aria-label="Bar chart of contributions in 1 months' in page
    assert "<caption>Contributions per month</caption>" in page
    assert "@media print" in page


async def test_markdown_carries_the_summary_table(client: Client, pool: asyncpg.Pool) -> None:
    await seed_chaoss(pool)
    response = await client.get("/projects/chaoss/reports/2026.md")
    assert response.status_code == 200
    text = response.text
    assert text.startswith("# Chaoss: transparency report 2026\n")
    assert "| Contributor absence factor (count / credit) | 2 / 3 |" in text
    assert "| code | yes | 1000 | 1000 | 40.4% |" in text


async def test_the_contributions_csv_lists_counted_work_only(
    client: Client, pool: asyncpg.Pool
) -> None:
    await seed_chaoss(pool)
    response = await client.get("/projects/chaoss/reports/2026-07-01..2026-07-31.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2475
    assert {r["contributor"] for r in rows} == {f"P{i}" for i in range(8)}
    funding = await client.get("/projects/chaoss/reports/2026-07.csv?table=funding")
    assert funding.text.splitlines()[0].startswith("transaction_id,occurred_on,kind,fund,currency")
    ballots = await client.get("/projects/chaoss/reports/2026-07.csv?table=ballots")
    assert ballots.text.splitlines() == [
        "proposal_id,title,method,outcome,voter_id,voter,ballot,receipt,revision,cast_at"
    ]


async def test_bad_report_names_get_400_with_a_reason(client: Client, pool: asyncpg.Pool) -> None:
    await seed_chaoss(pool)
    cases = {
        "/projects/chaoss/reports/2026-Q3.pdf": "format",
        "/projects/chaoss/reports/2026-Q3": "format",
        "/projects/chaoss/reports/2026-Q9.json": "period",
        "/projects/chaoss/reports/2026-07.csv?table=secrets": "table",
    }
    for url, field in cases.items():
        response = await client.get(url)
        assert response.status_code == 400, url
        assert response.json()["field"] == field, url
    assert (await client.get("/projects/nobody/reports/2026.json")).status_code == 404


async def test_the_ballots_csv_names_no_voter_time_or_revision_of_a_secret_ballot(
    client: Client, pool: asyncpg.Pool
) -> None:
    seeded = await seed_chaoss(pool)
    closed = "2026-07-20T00:00:00Z"
    async with pool.acquire() as conn, conn.transaction():
        proposal = await conn.fetchval(
            """INSERT INTO proposals (project_id, title, kind, options, method, electorate_rule,
                   state, outcome, opens_at, closes_at, closed_at, electorate_size,
                   electorate_hash, created_by, secret)
               VALUES ($1, 'Secret', 'general', '[]', 'majority', '{}', 'closed', 'passed',
                   $2::timestamptz - interval '5 days', $2::timestamptz, $2::timestamptz, 1,
                   sha256('x'), 't', true)
               RETURNING id""",
            seeded.project_id,
            datetime.fromisoformat(closed),
        )
        for elector in seeded.contributors[:2]:
            await conn.execute(
                "INSERT INTO proposal_electors VALUES ($1, $2, $3)",
                seeded.project_id,
                proposal,
                elector,
            )
        await conn.execute(
            "INSERT INTO ballots (project_id, proposal_id, voter_id, ballot, receipt) "
            "VALUES ($1, $2, $3, '{\"choice\": \"yes\"}', sha256('r'))",
            seeded.project_id,
            proposal,
            seeded.contributors[0],
        )
        # A ballot that did not stand (a merged-away record's): never on the sheet.
        await conn.execute(
            "INSERT INTO ballots (project_id, proposal_id, voter_id, ballot, receipt) "
            "VALUES ($1, $2, $3, '{\"choice\": \"no\"}', sha256('s'))",
            seeded.project_id,
            proposal,
            seeded.contributors[1],
        )
        # The sheet as the close journals it (only this is published).
        sheet = (SheetRow(receipt=hashlib.sha256(b"r").hexdigest(), ballot={"choice": "yes"}),)
        closing = ProposalClosed(
            proposal_id=proposal,
            closed_at=closed.replace("Z", ".000000Z"),
            turnout=1,
            sheet_hash=hashlib.sha256(b"sheet").hexdigest(),
            sheet=sheet,
            voters=(seeded.contributors[0],),
        )
        await append_event(conn, seeded.project_id, closing, "test")
    ballots = await client.get("/projects/chaoss/reports/2026-07.csv?table=ballots")
    rows = list(csv.DictReader(io.StringIO(ballots.text)))
    assert [
        (r["voter_id"], r["voter"], r["revision"], r["cast_at"], r["ballot"]) for r in rows
    ] == [("", "", "", "", '{"choice": "yes"}')]
    assert rows[0]["receipt"] == hashlib.sha256(b"r").hexdigest()
