"""A signed report verifies offline, and any tampering with it is detected."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from ledger.journal import chain as journal
from ledger.journal import keys
from ledger.journal.events.register import KindDefined
from ledger.journal.keys import InstanceKeys
from reports.build import sign_document, signed_report
from reports.verify import verify_growth, verify_report
from tests.integration.reports.seed import seed_chaoss

Report = dict[str, Any]


@pytest.fixture
async def signed(pool: asyncpg.Pool) -> tuple[Report, InstanceKeys]:
    await seed_chaoss(pool)
    keys = InstanceKeys.generate()
    return await signed_report(pool, "chaoss", "2026-07", keys), keys


def _failed(report: Report, ring: InstanceKeys) -> list[str]:
    return [name for name, ok, _ in verify_report(report, ring.jwks()).checks if not ok]


async def test_a_fresh_report_passes_every_check(signed: tuple[Report, InstanceKeys]) -> None:
    report, ring = signed
    verdict = verify_report(report, ring.jwks())
    assert verdict.ok, [c for c in verdict.checks if not c[1]]
    names = [name for name, _, _ in verdict.checks]
    assert "figure contributors.absence_factor" in names
    assert "figure organisations.by_count" in names
    assert sum(1 for n in names if n.startswith("inclusion proof")) == 4


def _event(report: Report) -> None:
    events = report["report"]["evidence"]["events"]
    recorded = next(e for e in events if e["type"] == "contribution.recorded")
    recorded["body"]["credit"] = "99.0000"


def _figure(report: Report) -> None:
    report["report"]["contributors"]["active_contributors"] += 1


def _decision(report: Report) -> None:
    report["report"]["decisions"]["vetoes"] += 1


def _signature(report: Report) -> None:
    head, _, sig = report["signature"]["jws"].split(".")
    report["signature"]["jws"] = f"{head}..{sig[::-1]}"


def _proof(report: Report) -> None:
    proof = report["report"]["evidence"]["inclusion_proofs"][1]
    proof["path"][0] = "00" * 32


def _head(report: Report) -> None:
    report["report"]["tree_head"]["tree_size"] -= 1


@pytest.mark.parametrize(
    ("tamper", "caught_by"),
    [
        (_event, "report signature"),
        (_figure, "report signature"),
        (_signature, "report signature"),
        (_proof, "report signature"),
        (_head, "report signature"),
    ],
)
async def test_tampering_breaks_the_report_signature(
    signed: tuple[Report, InstanceKeys], tamper: Callable[[Report], None], caught_by: str
) -> None:
    report, ring = signed
    forged = copy.deepcopy(report)
    tamper(forged)
    assert caught_by in _failed(forged, ring)


@pytest.mark.parametrize(
    ("tamper", "caught_by"),
    [
        (_event, "events"),
        (_figure, "figure contributors.active_contributors"),
        (_decision, "figure decisions.vetoes"),
        (_proof, "inclusion proof of event 993"),
        (_head, "tree head signature"),
    ],
)
async def test_tampering_is_caught_even_when_the_report_is_re_signed(
    signed: tuple[Report, InstanceKeys], tamper: Callable[[Report], None], caught_by: str
) -> None:
    report, ring = signed
    forged = copy.deepcopy(report)
    tamper(forged)
    resigned = sign_document(forged["report"], ring)
    assert caught_by in _failed(resigned, ring)


async def test_a_report_signed_by_an_unknown_key_is_refused(
    signed: tuple[Report, InstanceKeys],
) -> None:
    report, _ = signed
    stranger = InstanceKeys.generate()
    assert _failed(report, stranger)[:2] == ["report signature", "tree head signature"]


async def test_a_later_report_proves_the_journal_only_grew(
    pool: asyncpg.Pool, signed: tuple[Report, InstanceKeys]
) -> None:
    old, ring = signed
    async with pool.acquire() as conn, conn.transaction():
        project_id = old["report"]["project"]["id"]
        await journal.append_event(
            conn, project_id, KindDefined(kind="k1", description=""), "admin"
        )
    new = await signed_report(pool, "chaoss", "2026-07", ring)
    verdict = verify_growth(old, new, ring.jwks())
    assert verdict.ok, verdict.checks
    assert verdict.checks[-1] == ("consistency proof", True, "the journal only grew")
    backwards = verify_growth(new, old, ring.jwks())
    assert not backwards.ok


async def test_a_rewritten_history_fails_the_growth_check(
    signed: tuple[Report, InstanceKeys],
) -> None:
    old, ring = signed
    rewritten = copy.deepcopy(old)
    _event(rewritten)
    verdict = verify_growth(old, rewritten, ring.jwks())
    assert verdict.checks[-1] == (
        "consistency proof",
        False,
        "the newer report's events do not match its head",
    )
    shrunk = copy.deepcopy(old)
    shrunk["report"]["tree_head"]["tree_size"] = 10
    assert not verify_growth(shrunk, old, ring.jwks()).ok


async def test_a_report_signed_before_a_key_rotation_still_verifies(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await seed_chaoss(pool)
    before = keys.load_or_create(tmp_path / "keys")
    report = await signed_report(pool, "chaoss", "2026-07", before)
    after = keys.rotate(tmp_path / "keys")
    assert after.reports.active.kid != before.reports.active.kid
    listed = [k["kid"] for k in after.jwks()["keys"]]
    assert before.reports.active.kid in listed
    assert listed.index(after.reports.active.kid) < listed.index(before.reports.active.kid)
    assert verify_report(report, after.jwks()).ok
    newer = await signed_report(pool, "chaoss", "2026-07", after)
    assert newer["signature"]["kid"] == after.reports.active.kid
    assert verify_growth(report, newer, after.jwks()).ok
