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
    """A small git checkout: headers (one invalid, one a ScanCode alias), a .license
    file, REUSE.toml and an unlicensed file."""
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
    (root / "src" / "bad.py").write_text("# SPDX-License-Identifier: MIT AND ()\n")
    (root / "src" / "old.c").write_text("// SPDX-License-Identifier: GPL 2.0+\n")
    (root / "src" / "lib.c").write_text("// SPDX-License-Identifier: LGPL-2.1-only\n")
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


OSADL = "https://www.osadl.org/Access-to-raw-data.oss-compliance-raw-data-access.0.html"
CC = "https://creativecommons.org/share-your-work/licensing-considerations/compatible-licenses/"
FSF_CCBYSA = "https://www.gnu.org/licenses/license-list.html#ccbysa"


def test_a_gpl2_or_later_project_sees_every_file_that_breaks_its_promise(
    world: World, database_url: str, checkout: Path, tmp_path: Path
) -> None:
    code, output = run(database_url, tmp_path, str(checkout), "--project", "demo", "--json")
    assert code == 0, output
    assert json.loads(output) == {
        "project": "demo",
        "outbound": "GPL-2.0-or-later",
        "summary": {
            "compatible": 4,
            "incompatible": 3,
            "unknown": 1,
            "invalid": 1,
            "undeclared": 1,
        },
        "incompatible": [
            {
                "path": "logo.png",
                "declared": "CC-BY-SA-4.0",
                "reason": "GPL-2.0-or-later offers GPL-2.0-only: Creative Commons declared CC "
                "BY-SA 4.0 compatible with GPL-3.0 only (one way); GPL-2.0-only is not on its "
                "list of compatible licenses",
                "decided_by": ["project"],
                "sources": [CC, FSF_CCBYSA],
            },
            {
                "path": "src/asf.py",
                "declared": "Apache-2.0",
                "reason": "Incompatibility of the Apache-2.0 license with the GPL-2.0-or-later "
                "license is explicitly stated in the GPL-2.0-or-later license checklist.",
                "decided_by": ["osadl"],
                "sources": [OSADL],
            },
            {
                "path": "src/v3.c",
                "declared": "GPL-3.0-only",
                "reason": "Software under a copyleft license such as the GPL-3.0-only license "
                "normally cannot be redistributed under another copyleft license such as the "
                "GPL-2.0-or-later license, except if it were explicitly permitted in the "
                "licenses.",
                "decided_by": ["osadl"],
                "sources": [OSADL],
            },
        ],
        "unknown": [
            {
                "path": "docs/guide.md",
                "declared": "CC-BY-4.0",
                "reason": "GPL-2.0-or-later offers GPL-2.0-only: no compatibility data for "
                "CC-BY-4.0 into GPL-2.0-only",
                "decided_by": ["none"],
                "sources": [],
            }
        ],
        "invalid": [
            {
                "path": "src/bad.py",
                "declared": "MIT AND ()",
                "reason": "expected a license, found ')' at position 9",
            }
        ],
        "disputed": [],
        "warnings": [
            {
                "path": "src/old.c",
                "declared": "GPL 2.0+",
                "warnings": [
                    "'GPL 2.0+' is a ScanCode alias, not an SPDX id: read as "
                    "'GPL-2.0-or-later' (position 0)"
                ],
            }
        ],
    }


def test_a_gpl2_only_project_sees_the_verdicts_osadl_disputes(
    gpl2_only: World, database_url: str, checkout: Path, tmp_path: Path
) -> None:
    code, output = run(database_url, tmp_path, str(checkout), "--project", "demo", "--json")
    assert code == 0, output
    report = json.loads(output)
    assert [f["path"] for f in report["incompatible"]] == ["logo.png", "src/asf.py", "src/v3.c"]
    assert report["disputed"] == [
        {
            "path": "src/lib.c",
            "declared": "LGPL-2.1-only",
            "status": "compatible",
            "reason": "LGPL-2.1 section 3 lets the code be relicensed under GPL-2.0 or any "
            "later version",
            "decided_by": ["project"],
            "sources": ["https://www.gnu.org/licenses/gpl-faq.html#AllCompatibility"],
            "opinions": [
                {
                    "inbound": "LGPL-2.1-only",
                    "outbound": "GPL-2.0-only",
                    "source": "osadl",
                    "status": "unknown",
                    "verdict": "Check dependency",
                    "reason": "it depends on how the works are combined: Depending "
                    "compatibility of the LGPL-2.1-only license with the GPL-2.0-only license is "
                    "explicitly stated in the GPL-2.0-only license checklist. Interpretation: "
                    "LGPL-2.1-only licensed material must first be relicensed under GPL-2.0-only "
                    "before compatibility with other GPL-2.0 licensed material can be "
                    "established.",
                }
            ],
        }
    ]


def test_table_output_lists_unknown_and_invalid_files_as_prominently_as_incompatible_ones(
    gpl2_only: World, database_url: str, checkout: Path, tmp_path: Path
) -> None:
    code, output = run(database_url, tmp_path, str(checkout), "--project", "demo")
    assert code == 0, output
    for title in (
        "Files incompatible with GPL-2.0-only",
        "Files whose compatibility with GPL-2.0-only is unknown",
        "Files whose declared license is not a valid SPDX expression",
        "Verdicts another source disagrees with",
    ):
        assert title in output
    for path in ("src/asf.py", "src/v3.c", "docs/guide.md", "src/bad.py", "src/lib.c"):
        assert path in output
    assert "src/ok.py" not in output
    assert "warning: src/old.c: 'GPL 2.0+' is a ScanCode alias" in output
    assert "10 files: 4 compatible, 3 incompatible, 1 unknown, 1 invalid, 1 undeclared" in output


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
