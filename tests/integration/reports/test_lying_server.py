"""A server that edits its own signed report and signs it again with its real report key
(as a lying instance would) is refused by ``verify``: every figure is recomputed from
the published evidence, nothing in the report goes unchecked, and what no evidence can
prove is listed as attested only."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import orjson
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.demo import seed_demo
from app.runtime import Runtime
from ledger.journal.canonical import timestamp
from reports import service
from reports.build import sign_document
from reports.recompute import ATTESTED_ONLY
from reports.verify import Verdict, verify_report

Client = AsyncTestClient[Litestar]
Report = dict[str, Any]
Edit = Callable[[Report], None]


async def _served(client: Client, pool: asyncpg.Pool) -> tuple[Report, dict[str, Any]]:
    await seed_demo(pool, contributors=40, contributions=400)
    year = await pool.fetchval("SELECT to_char(max(occurred_at), 'YYYY') FROM contributions")
    report = (await client.get(f"/projects/aurora/reports/{year}.json")).json()
    return report, (await client.get("/.well-known/jwks.json")).json()


def _lie(runtime: Runtime, report: Report, edit: Edit) -> Report:
    """The report edited, then signed again with the instance's own report key."""
    doc = copy.deepcopy(report["report"])
    edit(doc)
    return sign_document(doc, runtime.keys)


def _failed(verdict: Verdict) -> list[str]:
    return [name for name, ok, _ in verdict.checks if not ok]


def _passed_proposal(doc: Report) -> dict[str, Any]:
    found: dict[str, Any] = next(
        p for p in doc["decisions"]["proposals"] if p["outcome"] == "passed"
    )
    return found


def _flip_outcome(doc: Report) -> None:
    _passed_proposal(doc)["outcome"] = "failed"


def _flip_outcome_and_counts(doc: Report) -> None:
    _flip_outcome(doc)
    doc["decisions"]["passed"] -= 1
    doc["decisions"]["failed"] += 1


def _first_sponsor(doc: Report) -> dict[str, Any]:
    sponsor: dict[str, Any] = doc["funding"]["currencies"][0]["sponsors"][0]
    return sponsor


def _set(path: str, value: Any) -> Edit:
    def edit(doc: Report) -> None:
        *parents, last = path.split(".")
        here: Any = doc
        for part in parents:
            here = here[int(part)] if part.isdigit() else here[part]
        here[int(last) if last.isdigit() else last] = value

    return edit


def _backdate(doc: Report) -> None:
    signed = datetime.fromisoformat(doc["tree_head"]["timestamp"])
    doc["generated_at"] = timestamp(signed - timedelta(seconds=1))


# Each edit named in the issue, and exactly the checks that refuse it.
ISSUE: list[tuple[Edit, list[str]]] = [
    (_set("licensing.coverage_share", "1.0000"), ["figure licensing.coverage_share"]),
    (_set("licensing.uncovered", 0), ["figure licensing.uncovered"]),
    (_flip_outcome, ["figure decisions.proposals[{i}].outcome"]),
    (
        _flip_outcome_and_counts,
        [
            "figure decisions.failed",
            "figure decisions.passed",
            "figure decisions.proposals[{i}].outcome",
        ],
    ),
    (
        _set("contributors.mix.non_code_share", "0.9000"),
        ["figure contributors.mix.non_code_share"],
    ),
    (
        _set("organisations.top_organisations.0.name", "Someone Else"),
        ["figure organisations.top_organisations[0].name"],
    ),
    (
        _set("funding.currencies.0.sponsors.0.name", "Generous Inc"),
        ["figure funding.currencies[0].sponsors[0].name"],
    ),
    (_set("funding.non_commons.0.name", "Innocent Ltd"), ["figure funding.non_commons[0].name"]),
    (_set("period.start", "2000-01-01"), ["figure period.start"]),
]

# One edit per figure family (and per part of the document) and what refuses it.
FAMILIES: list[tuple[Edit, str]] = [
    (_set("project.name", "Another"), "figure project.name"),
    (_set("project.outbound_license", "MIT"), "figure project.outbound_license"),
    (_set("contributors.credit", "1"), "figure contributors.credit"),
    (_set("contributors.monthly.0.credit", "1"), "figure contributors.monthly[0].credit"),
    (_set("organisations.by_count", 9), "figure organisations.by_count"),
    (_set("funding.currencies.0.total_minor", 1), "figure funding.currencies[0].total_minor"),
    (_set("funding.non_commons.0.reason", ""), "figure funding.non_commons[0].reason"),
    (_set("licensing.grants_by_instrument.dco", 99), "figure licensing.grants_by_instrument.dco"),
    (_set("licensing.incompatible_inbound", []), "figure licensing.incompatible_inbound"),
    (_set("decisions.turnout", "1.0000"), "figure decisions.turnout"),
    (_set("decisions.proposals.0.title", "Something else"), "figure decisions.proposals[0].title"),
    (_set("quality.coverage.reviewed", 0), "figure quality.coverage.reviewed"),
    (_set("quality.reverts.share", "0.0000"), "figure quality.reverts.share"),
    (_set("quality.work.test", 0), "figure quality.work.test"),
    (_set("sustainability.retention.0.size", 1), "figure sustainability.retention[0].size"),
    (
        _set("sustainability.trend.0.absence_factor.by_count", 99),
        "figure sustainability.trend[0].absence_factor.by_count",
    ),
    (_set("rules.by_vote", 99), "figure rules.by_vote"),
    (_set("rules.in_force", []), "figure rules.in_force"),
    (_set("glossary", []), "figure glossary"),
    (_set("format", "commons-report/0"), "figure format"),
    (_set("attested_only", []), "figure attested_only"),
    (_backdate, "generated_at"),
    (_set("headline", {"coverage": "100%"}), "sections"),
    (_set("evidence.extra", []), "sections"),
    (_set("contributors.mix.bonus", 1), "figure contributors.mix.bonus"),
]


async def test_the_lying_server_edits_of_the_issue_are_refused(
    client: Client, pool: asyncpg.Pool, runtime: Runtime
) -> None:
    report, jwks = await _served(client, pool)
    honest = verify_report(report, jwks)
    assert honest.ok, _failed(honest)
    index = report["report"]["decisions"]["proposals"].index(_passed_proposal(report["report"]))
    for edit, checks in ISSUE:
        failed = _failed(verify_report(_lie(runtime, report, edit), jwks))
        assert failed == [c.format(i=index) for c in checks], (checks, failed)


async def test_one_edit_in_every_figure_family_is_refused(
    client: Client, pool: asyncpg.Pool, runtime: Runtime
) -> None:
    report, jwks = await _served(client, pool)
    for edit, check in FAMILIES:
        failed = _failed(verify_report(_lie(runtime, report, edit), jwks))
        assert check in failed, (check, failed)
        assert "report signature" not in failed


async def test_evidence_that_contradicts_the_journal_is_refused(
    client: Client, pool: asyncpg.Pool, runtime: Runtime
) -> None:
    report, jwks = await _served(client, pool)
    doc = report["report"]
    sponsor_org = next(
        a
        for a in doc["evidence"]["affiliations"]
        if a["organisation"] == _first_sponsor(doc)["name"]
    )

    def rename_sponsor_org(d: Report) -> None:
        for a in d["evidence"]["affiliations"]:
            if a["organisation_id"] == sponsor_org["organisation_id"]:
                a["organisation"] = "Renamed"
        for o in d["organisations"]["top_organisations"]:
            if o["organisation_id"] == sponsor_org["organisation_id"]:
                o["name"] = "Renamed"

    def claim_outside_the_window(d: Report) -> None:
        claim = d["evidence"]["corporate_coverage"][0]
        claim["contribution_ids"].append(10**12)

    def drop_affiliations(d: Report) -> None:
        d["evidence"]["affiliations"] = []

    verdict = verify_report(_lie(runtime, report, rename_sponsor_org), jwks)
    assert [d for n, ok, d in verdict.checks if n == "evidence" and not ok] == [
        f"organisation {sponsor_org['organisation_id']} is named 'Renamed' in the evidence but "
        f"{sponsor_org['organisation']!r} as a sponsor in the journal"
    ]
    claimed = verify_report(_lie(runtime, report, claim_outside_the_window), jwks)
    assert any(
        n == "evidence" and "cannot cover contributions [1000000000000]" in d
        for n, ok, d in claimed.checks
    )
    assert "figure organisations.by_count" in _failed(
        verify_report(_lie(runtime, report, drop_affiliations), jwks)
    )


async def test_a_report_without_embedded_events_is_recomputed_from_the_streamed_export(
    client: Client, pool: asyncpg.Pool, runtime: Runtime
) -> None:
    served, jwks = await _served(client, pool)
    year = served["report"]["period"]["label"]
    body = await service.produce(pool, runtime.keys, "aurora", year, "json", embed_limit=0)
    report = orjson.loads(body)
    assert report["report"]["evidence"]["events_embedded"] is False
    size = report["report"]["tree_head"]["tree_size"]
    lines = (await client.get(f"/projects/aurora/journal.jsonl?to={size}")).content.splitlines()
    verdict = verify_report(report, jwks, iter(lines))
    assert verdict.ok, _failed(verdict)
    assert ("events", True, f"{size} events streamed from the journal export") in verdict.checks
    assert verdict.attested == ATTESTED_ONLY
    lying = _lie(runtime, report, _set("licensing.uncovered", 0))
    assert _failed(verify_report(lying, jwks, iter(lines))) == ["figure licensing.uncovered"]
    unchecked = verify_report(report, jwks)
    assert [(n, d) for n, ok, d in unchecked.checks if not ok] == [
        (
            "events",
            "not embedded and no journal export given: figures not recomputed "
            "(pass the journal, e.g. --journal URL_OR_FILE)",
        )
    ]
    at = next(i for i, line in enumerate(lines) if b'"counted":true' in line)
    tampered = [
        *lines[:at],
        lines[at].replace(b'"counted":true', b'"counted":false'),
        *lines[at + 1 :],
    ]
    broken = verify_report(report, jwks, iter(tampered))
    assert [(n, d) for n, ok, d in broken.checks if not ok] == [
        ("events", f"event {at + 1}: hash does not match its document")
    ]
