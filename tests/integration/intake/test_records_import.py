"""``commons import records``: the documented schema (docs/records.md), refusals with
line numbers, nothing half-imported, a good file recorded exactly once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from intake.records.importer import import_records
from ledger.kernel.errors import InvalidInput
from ledger.register.models import Project
from ledger.register.projects import ProjectInput, create_project, define_kind
from tests.integration.intake.test_cli import _commons

GOOD_CSV = (
    "contributor,contributor_name,kind,occurred_at,natural_key,evidence_url,metadata\n"
    "maria.k,Maria K.,content,2024-05-01T18:30:00+02:00,recipe-118,"
    'https://cook.example.org/r/118,"{""dish"": ""soda bread""}"\n'
    "tom,,translation,2024-05-02,recipe-118-de,,\n"
    '\n"rosa",Rosa,eventOrganizing,2024-05-03T09:00:00Z,meetup-2024,,"{""a"": 1,\n""b"": 2}"\n'
    "tom,,translation,2024-05-03,recipe-119-de,,\n"
)


@pytest.fixture
async def cookbook(pool: asyncpg.Pool) -> Project:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("cookbook", "Cookbook"), "admin")
        await define_kind(conn, project, "recipeTesting", "Cooked a recipe to check it", "admin")
        return project


async def _rows(pool: asyncpg.Pool) -> list[tuple[str, str, str, dict[str, Any]]]:
    rows = await pool.fetch(
        """SELECT c.natural_key, c.kind, p.display_name, c.metadata FROM contributions c
        JOIN contributors p ON p.id = c.contributor_id ORDER BY c.natural_key"""
    )
    return [(r["natural_key"], r["kind"], r["display_name"], r["metadata"]) for r in rows]


async def test_a_good_csv_is_imported_once(
    pool: asyncpg.Pool, cookbook: Project, tmp_path: Path
) -> None:
    path = tmp_path / "log.csv"
    path.write_text(GOOD_CSV)
    result = await import_records(pool, cookbook, path)
    assert (result.source, result.rows, result.recorded, result.already) == ("cookbook", 4, 4, 0)
    assert await _rows(pool) == [
        ("records:cookbook:meetup-2024", "eventOrganizing", "Rosa", {"a": 1, "b": 2}),
        ("records:cookbook:recipe-118", "content", "Maria K.", {"dish": "soda bread"}),
        ("records:cookbook:recipe-118-de", "translation", "tom", {}),
        ("records:cookbook:recipe-119-de", "translation", "tom", {}),
    ]
    identities = await pool.fetch("SELECT source, external_id FROM identities ORDER BY 2")
    assert [tuple(r) for r in identities] == [
        ("records", "cookbook:maria.k"), ("records", "cookbook:rosa"), ("records", "cookbook:tom"),
    ]  # fmt: skip
    again = await import_records(pool, cookbook, path)
    assert (again.recorded, again.already, again.refused) == (0, 4, ())
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 4


async def test_bad_rows_are_refused_with_their_lines_and_nothing_is_imported(
    pool: asyncpg.Pool, cookbook: Project, tmp_path: Path
) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "contributor,kind,occurred_at,natural_key,evidence_url\n"
        "ann,content,2024-05-01,k1,\n"  # line 2: good
        "ann@example.org,content,2024-05-01,k2,\n"  # 3
        "bo,cooking,2024-05-01,k3,\n"  # 4
        "bo,content,2024-05-01T10:00:00,k4,\n"  # 5
        "bo,content,yesterday,k5,\n"  # 6
        "bo,content,2024-05-01,k1,\n"  # 7
        "bo,content,2024-05-01,k6,ftp://x\n"  # 8
        "bo,content,2024-05-01\n"  # 9
        "203.0.113.9,content,2024-05-01,k7,\n"  # 10
        "bo,recipeTesting,2024-05-01,k8,\n"  # 11: good (a project kind)
    )
    result = await import_records(pool, cookbook, path)
    assert [str(r) for r in result.refused] == [
        "line 3: contributor is a handle, never an email or IP address (it is published)",
        "line 4: unknown contribution kind 'cooking'",
        "line 5: occurred_at needs its offset (Z or +02:00)",
        "line 6: occurred_at 'yesterday' is not an ISO 8601 date",
        "line 7: natural_key 'k1' is already on line 2",
        "line 8: evidence_url must be an absolute http(s) URL",
        "line 9: 3 fields where the header names another number",
        "line 10: contributor is a handle, never an email or IP address (it is published)",
    ]
    assert (result.rows, result.recorded) == (10, 0)
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 0
    assert await pool.fetchval("SELECT count(*) FROM identities") == 0


async def test_jsonl_rows_are_checked_the_same_way(
    pool: asyncpg.Pool, cookbook: Project, tmp_path: Path
) -> None:
    path = tmp_path / "build-log.jsonl"
    good = {"contributor": "lin", "kind": "design", "occurred_at": "2024-01-05T10:00:00Z",
            "natural_key": "build-7", "metadata": {"board": "rev B"}}  # fmt: skip
    path.write_text(
        json.dumps(good) + "\n\n" + "[1, 2]\n" + "{not json\n"
        + json.dumps({**good, "natural_key": "build-8", "colour": "red"}) + "\n"
        + json.dumps({**good, "natural_key": "build-9", "metadata": [1]}) + "\n"
    )  # fmt: skip
    result = await import_records(pool, cookbook, path, source="hardware")
    assert [str(r) for r in result.refused] == [
        "line 3: a line of a .jsonl file is one JSON object",
        "line 4: a line of a .jsonl file is one JSON object",
        "line 5: unknown column 'colour'",
        "line 6: metadata must be a JSON object",
    ]
    path.write_text(json.dumps(good) + "\n")
    result = await import_records(pool, cookbook, path, source="hardware")
    assert (result.recorded, result.refused) == (1, ())
    assert (await _rows(pool))[0][:2] == ("records:hardware:build-7", "design")


async def test_a_key_recorded_before_with_other_facts_refuses_the_file(
    pool: asyncpg.Pool, cookbook: Project, tmp_path: Path
) -> None:
    path = tmp_path / "log.csv"
    path.write_text("contributor,kind,occurred_at,natural_key\nann,content,2024-05-01,k1\n")
    await import_records(pool, cookbook, path)
    path.write_text(
        "contributor,kind,occurred_at,natural_key\n"
        "ann,content,2024-05-01,k1\n"
        "ann,doc,2024-05-02,k2\n"
        "bo,content,2024-05-01,k1x\n"
        "ann,review,2024-05-01,k1\n"
    )
    result = await import_records(pool, cookbook, path)
    assert [str(r) for r in result.refused] == [
        "line 5: natural_key 'k1' is already on line 2",
    ]
    path.write_text("contributor,kind,occurred_at,natural_key\nbo,content,2024-05-01,k1\n")
    result = await import_records(pool, cookbook, path)
    assert [str(r) for r in result.refused] == [
        "line 2: natural_key 'k1' was recorded with other facts"
    ]
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 1


async def test_a_file_of_another_kind_or_encoding_is_refused_whole(
    pool: asyncpg.Pool, cookbook: Project, tmp_path: Path
) -> None:
    other = tmp_path / "log.xlsx"
    other.write_bytes(b"PK")
    with pytest.raises(InvalidInput, match=r"\.csv or \.jsonl"):
        await import_records(pool, cookbook, other)
    latin = tmp_path / "log.csv"
    latin.write_bytes(b"contributor,kind,occurred_at,natural_key\nJos\xe9,content,2024-05-01,k\n")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        await import_records(pool, cookbook, latin)
    empty = tmp_path / "empty.csv"
    empty.write_text("contributor,kind,occurred_at,natural_key\n")
    with pytest.raises(InvalidInput, match="no rows"):
        await import_records(pool, cookbook, empty)


async def test_the_command_reports_refusals_and_exits_1_or_imports(
    pool: asyncpg.Pool, cookbook: Project, database_url: str, tmp_path: Path
) -> None:
    import asyncio
    import os
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text("contributor,kind,occurred_at,natural_key\nann,content,soon,k1\n")
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "commons"), "import", "records", str(bad),
        "--project", "cookbook",
        env={**os.environ, "DATABASE_URL": database_url, "COMMONS_DATA_DIR": str(tmp_path)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await process.communicate()
    assert process.returncode == 1
    assert err.decode().splitlines() == [
        "bad.csv: line 2: occurred_at 'soon' is not an ISO 8601 date",
        "Error: refused 1 of 1 rows; nothing was imported",
    ]
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV)
    out = await _commons(
        database_url, tmp_path, "import", "records", str(good), "--project", "cookbook"
    )
    assert (
        out.strip() == "good.csv: 4 rows, 4 new contributions, 0 recorded before (source cookbook)"
    )


async def test_a_row_after_a_quoted_value_spanning_lines_is_reported_on_its_own_line(
    pool: asyncpg.Pool, cookbook: Project, tmp_path: Path
) -> None:
    path = tmp_path / "log.csv"
    path.write_text(GOOD_CSV.replace("recipe-119-de,,", "recipe-119-de,nowhere,"))
    result = await import_records(pool, cookbook, path)
    assert [str(r) for r in result.refused] == [
        "line 7: evidence_url must be an absolute http(s) URL"
    ]


async def test_the_documented_examples_import_as_documented(
    pool: asyncpg.Pool, cookbook: Project, tmp_path: Path
) -> None:
    docs = (Path(__file__).parents[3] / "docs" / "records.md").read_text()
    blocks = {}
    for chunk in docs.split("```")[1::2]:
        language, _, body = chunk.partition("\n")
        blocks[language] = body
    (tmp_path / "example.csv").write_text(blocks["csv"])
    (tmp_path / "example.jsonl").write_text(blocks["json"])
    from_csv = await import_records(pool, cookbook, tmp_path / "example.csv")
    assert (from_csv.rows, from_csv.recorded, from_csv.refused) == (2, 2, ())
    from_json = await import_records(pool, cookbook, tmp_path / "example.jsonl", source="jsonl")
    assert (from_json.rows, from_json.recorded, from_json.refused) == (1, 1, ())
    dishes = {(key, metadata.get("dish")) for key, _, _, metadata in await _rows(pool)}
    assert dishes == {
        ("records:cookbook:recipe-118", "soda bread"),
        ("records:cookbook:recipe-118-de", None),
        ("records:jsonl:recipe-118", "soda bread"),
    }
