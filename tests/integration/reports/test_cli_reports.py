"""``commons report`` writes each format; ``commons verify`` checks signed reports offline."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app import database
from app.cli import main
from tests.integration.reports.seed import seed_chaoss


async def _seed(url: str) -> None:
    pool = await database.create_pool(url, min_size=1, max_size=2)
    try:
        await seed_chaoss(pool)
    finally:
        await pool.close()


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    asyncio.run(_seed(database_url))
    return {"DATABASE_URL": database_url, "COMMONS_DATA_DIR": str(tmp_path / "data")}


def _jwks(env: dict[str, str], tmp_path: Path) -> Path:
    from ledger.journal.keys import load_or_create

    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(load_or_create(Path(env["COMMONS_DATA_DIR"]) / "keys").jwks()))
    return path


def test_report_writes_each_format_and_verify_accepts_the_signed_json(
    env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    for fmt in ("json", "html", "md", "csv"):
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(
            main,
            [
                "report",
                "--project",
                "chaoss",
                "--period",
                "2026-Q3",
                "--format",
                fmt,
                "-o",
                str(out),
            ],
            env=env,
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 100
    keys = _jwks(env, tmp_path)
    result = runner.invoke(main, ["verify", str(tmp_path / "r.json"), "--jwks", str(keys)], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "verified"
    assert "ok   figure contributors.absence_factor" in result.output


def test_verify_fails_with_exit_1_on_a_tampered_report(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.json"
    args = [
        "report",
        "--project",
        "chaoss",
        "--period",
        "2026-07",
        "--format",
        "json",
        "-o",
        str(out),
    ]
    assert runner.invoke(main, args, env=env).exit_code == 0
    signed = json.loads(out.read_text())
    signed["report"]["contributors"]["new_contributors"] = 99
    out.write_text(json.dumps(signed))
    result = runner.invoke(main, ["verify", str(out), "--jwks", str(_jwks(env, tmp_path))], env=env)
    assert result.exit_code == 1
    assert "FAIL report signature" in result.output
    assert "FAIL figure contributors.new_contributors: recomputes to 7" in result.output
    assert result.output.splitlines()[-1] == "NOT verified"


def test_verify_from_to_proves_growth_between_two_reports(
    env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    for path in (old, new):
        args = [
            "report",
            "--project",
            "chaoss",
            "--period",
            "2026",
            "--format",
            "json",
            "-o",
            str(path),
        ]
        assert runner.invoke(main, args, env=env).exit_code == 0
    keys = str(_jwks(env, tmp_path))
    result = runner.invoke(main, ["verify", "--from", str(old), "--to", str(new), "--jwks", keys])
    assert result.exit_code == 0, result.output
    assert "ok   consistency proof: the journal only grew" in result.output
    for args in (["verify", str(old)], ["verify", "--from", str(old), "--to", str(new)]):
        missing = runner.invoke(main, args)
        assert missing.exit_code == 2
        assert "--jwks FILE_OR_URL is needed" in missing.output


def test_a_report_without_events_verifies_against_the_exported_journal(
    env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    report, lines = tmp_path / "r.json", tmp_path / "journal.jsonl"
    args = ["report", "--project", "chaoss", "--period", "2026-07", "--format", "json"]
    made = runner.invoke(
        main, [*args, "-o", str(report)], env={**env, "COMMONS_REPORT_EMBED_LIMIT": "0"}
    )
    assert made.exit_code == 0, made.output
    size = json.loads(report.read_text())["report"]["tree_head"]["tree_size"]
    exported = runner.invoke(
        main, ["export", "journal", "--project", "chaoss", "-o", str(lines)], env=env
    )
    assert exported.exit_code == 0, exported.output
    assert len(lines.read_bytes().splitlines()) == size
    keys = str(_jwks(env, tmp_path))
    result = runner.invoke(main, ["verify", str(report), "--jwks", keys, "--journal", str(lines)])
    assert result.exit_code == 0, result.output
    assert f"ok   events: {size} events streamed from the journal export" in result.output
    assert "attested only (stated by the instance, not recomputable offline):" in result.output
    assert "  - evidence.affiliations: " in result.output
    blind = runner.invoke(main, ["verify", str(report), "--jwks", keys])
    assert blind.exit_code == 1
    assert "FAIL events: not embedded and no journal export given" in blind.output
    backwards = runner.invoke(
        main, ["export", "journal", "--project", "chaoss", "--from", "5", "--to", "3"], env=env
    )
    assert backwards.exit_code == 1
    assert "to must not be before from" in backwards.output


def test_report_names_a_bad_period(env: dict[str, str], tmp_path: Path) -> None:
    args = ["report", "--project", "chaoss", "--period", "soon", "-o", str(tmp_path / "x.html")]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1
    assert "unknown period 'soon'" in result.output
