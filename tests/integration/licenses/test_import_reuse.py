from __future__ import annotations

import json
import subprocess
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from app.cli import main
from tests.integration.licenses.conftest import World


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A small git checkout: headers, a .license file, REUSE.toml and an unlicensed file."""
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "src" / "ok.py").write_text("# SPDX-License-Identifier: MIT\nprint('ok')\n")
    (root / "src" / "asf.py").write_text("# SPDX-License-Identifier: Apache-2.0\n")
    (root / "src" / "v3.c").write_text("// SPDX-License-Identifier: GPL-3.0-only\n")
    (root / "src" / "choice.c").write_text(
        "/* SPDX-License-Identifier: GPL-3.0-only OR BSD-2-Clause */\n"
    )
    (root / "logo.png").write_bytes(b"\x89PNG\r\n")
    (root / "logo.png.license").write_text("SPDX-License-Identifier: CC-BY-SA-4.0\n")
    (root / "docs" / "guide.md").write_text("# Guide\n")
    (root / "README").write_text("no header here\n")
    (root / "REUSE.toml").write_text(
        'version = 1\n\n[[annotations]]\npath = "docs/**"\n'
        'SPDX-FileCopyrightText = "2025 Demo"\nSPDX-License-Identifier = "CC-BY-4.0"\n'
    )
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def run(database_url: str, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {"DATABASE_URL": database_url, "COMMONS_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(main, ["import", "reuse", *args], env=env)
    return result.exit_code, result.output


@pytest.fixture
async def gpl2_only(world: World, pool: asyncpg.Pool) -> World:
    await pool.execute("UPDATE projects SET outbound_license = 'GPL-2.0-only'")
    return world


def test_a_gpl2_or_later_project_accepts_every_declared_file(
    world: World, database_url: str, checkout: Path, tmp_path: Path
) -> None:
    code, output = run(database_url, tmp_path, str(checkout), "--project", "demo", "--json")
    assert code == 0, output
    assert json.loads(output) == {
        "project": "demo",
        "outbound": "GPL-2.0-or-later",
        "summary": {
            "compatible": 6,
            "incompatible": 0,
            "unknown": 0,
            "invalid": 0,
            "undeclared": 1,
        },
        "incompatible": [],
    }


def test_a_gpl2_only_project_sees_apache_and_gpl3_files_flagged(
    gpl2_only: World, database_url: str, checkout: Path, tmp_path: Path
) -> None:
    code, output = run(database_url, tmp_path, str(checkout), "--project", "demo", "--json")
    assert code == 0, output
    assert json.loads(output) == {
        "project": "demo",
        "outbound": "GPL-2.0-only",
        "summary": {
            "compatible": 2,
            "incompatible": 2,
            "unknown": 2,
            "invalid": 0,
            "undeclared": 1,
        },
        "incompatible": [
            {
                "path": "src/asf.py",
                "declared": "Apache-2.0",
                "reason": "Apache-2.0's patent termination and indemnification terms are "
                "further restrictions that GPL-2.0 does not allow",
                "sources": [
                    "https://www.apache.org/licenses/GPL-compatibility.html",
                    "https://www.gnu.org/licenses/license-list.html#apache2",
                ],
            },
            {
                "path": "src/v3.c",
                "declared": "GPL-3.0-only",
                "reason": "GPL-3.0-only adds requirements that version 2 of the GNU licenses "
                "does not allow",
                "sources": ["https://www.gnu.org/licenses/gpl-faq.html#AllCompatibility"],
            },
        ],
    }


def test_table_output_names_the_incompatible_files(
    gpl2_only: World, database_url: str, checkout: Path, tmp_path: Path
) -> None:
    code, output = run(database_url, tmp_path, str(checkout), "--project", "demo")
    assert code == 0, output
    assert "src/asf.py" in output
    assert "src/v3.c" in output
    assert "src/ok.py" not in output
    assert "7 files: 2 compatible, 2 incompatible, 2 unknown, 0 invalid, 1 undeclared" in output


def test_an_unknown_project_is_a_clear_error(
    world: World, database_url: str, checkout: Path, tmp_path: Path
) -> None:
    code, output = run(database_url, tmp_path, str(checkout), "--project", "nope")
    assert (code, output.strip()) == (1, "Error: no project 'nope'")


def test_a_debian_dep5_file_declares_licenses_too(
    gpl2_only: World, database_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "dep5"
    (root / ".reuse").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / ".reuse" / "dep5").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: demo\n\nFiles: lib/*\nCopyright: 2025 Demo\nLicense: GPL-3.0-only\n"
    )
    (root / "lib" / "a.js").write_text("x\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    code, output = run(database_url, tmp_path, str(root), "--project", "demo", "--json")
    assert code == 0, output
    assert [f["path"] for f in json.loads(output)["incompatible"]] == ["lib/a.js"]
