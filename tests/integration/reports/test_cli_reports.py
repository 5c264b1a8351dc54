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
    missing = runner.invoke(main, ["verify", str(old)])
    assert missing.exit_code == 2
    assert "--jwks FILE_OR_URL is needed" in missing.output


def test_report_names_a_bad_period(env: dict[str, str], tmp_path: Path) -> None:
    args = ["report", "--project", "chaoss", "--period", "soon", "-o", str(tmp_path / "x.html")]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1
    assert "unknown period 'soon'" in result.output
