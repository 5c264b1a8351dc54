"""The schema distributes by project on Citus, as docs/scaling.md says: read from the
catalog of a migrated database, every table is either instance-wide (a reference
table) or project-owned, and a project-owned table carries ``project_id``, starts
every primary and unique key with it and refers to other project-owned rows through
it. A table that would not distribute fails here, named."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

SCALING = Path(__file__).resolve().parents[3] / "docs" / "scaling.md"
# Instance-wide: shared by every project, small, replicated to every node.
REFERENCE = {
    "projects",
    "contributors",
    "identities",
    "organisations",
    "affiliations",
    "contributor_merges",
    "instance_secrets",
}

TABLES = """
SELECT c.relname, EXISTS (
    SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'project_id'
        AND a.attnotnull AND NOT a.attisdropped) AS owned
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'
"""
# Every unique index (primary keys and unique constraints included) with its columns.
UNIQUE = """
SELECT c.relname AS tab, i.indexrelid::regclass::text AS key, i.indisprimary AS primary,
    array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY u(n, o)
          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.n ORDER BY o) AS columns
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND i.indisunique AND c.relname <> 'alembic_version'
"""
FOREIGN = """
SELECT k.conname, c.relname AS tab, f.relname AS ref,
    array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY o) AS columns,
    array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
          JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY o) AS refs
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND k.contype = 'f'
"""
EXCLUSION = """
SELECT k.conname FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
WHERE n.nspname = 'public' AND k.contype = 'x'
"""


@pytest.fixture
async def catalog(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


async def owned_tables(conn: asyncpg.Connection) -> dict[str, bool]:
    return {r["relname"]: r["owned"] for r in await conn.fetch(TABLES)}


async def unplaced(conn: asyncpg.Connection) -> list[str]:
    """Tables that are neither reference tables nor carry a NOT NULL project_id."""
    tables = await owned_tables(conn)
    wrong = [t for t, owned in tables.items() if not owned and t not in REFERENCE]
    return sorted(wrong + [t for t in REFERENCE if tables.get(t) is not False])


async def stray_keys(conn: asyncpg.Connection) -> list[str]:
    """Unique keys of project-owned tables that would not be enforced per shard, and
    project-owned tables without a primary key."""
    tables = await owned_tables(conn)
    keys = [r for r in await conn.fetch(UNIQUE) if tables[r["tab"]]]
    stray = [f"{r['key']} ({', '.join(r['columns'])})" for r in keys
             if r["columns"][0] != "project_id"]  # fmt: skip
    with_primary = {r["tab"] for r in keys if r["primary"]}
    stray += [
        f"{t} (no primary key)" for t, owned in tables.items() if owned and t not in with_primary
    ]
    return sorted(stray + [r["conname"] for r in await conn.fetch(EXCLUSION)])


async def cross_keys(conn: asyncpg.Connection) -> list[str]:
    """Foreign keys between rows of different projects, or from instance-wide rows
    into a project's."""
    tables = await owned_tables(conn)
    wrong = []
    for r in await conn.fetch(FOREIGN):
        if tables[r["ref"]]:
            pairs = dict(zip(r["columns"], r["refs"], strict=True))
            if not tables[r["tab"]] or pairs.get("project_id") != "project_id":
                wrong.append(r["conname"])
    return sorted(wrong)


async def test_every_table_is_instance_wide_or_owned_by_a_project(
    catalog: asyncpg.Connection,
) -> None:
    assert await unplaced(catalog) == []


async def test_every_key_of_a_project_owned_table_starts_with_project_id(
    catalog: asyncpg.Connection,
) -> None:
    assert await stray_keys(catalog) == []


async def test_rows_refer_to_other_projects_rows_through_project_id_only(
    catalog: asyncpg.Connection,
) -> None:
    assert await cross_keys(catalog) == []


async def test_a_table_that_would_not_distribute_is_named(catalog: asyncpg.Connection) -> None:
    await catalog.execute(
        "CREATE TABLE loose (id bigint PRIMARY KEY);"
        "CREATE TABLE rogue (project_id bigint NOT NULL, id bigint UNIQUE,"
        " loose_id bigint REFERENCES loose, event_seq bigint,"
        " FOREIGN KEY (event_seq, project_id) REFERENCES journal_events (project_id, seq));"
        "CREATE TABLE wide (id bigint PRIMARY KEY, rogue_id bigint REFERENCES rogue (id))"
    )
    assert await unplaced(catalog) == ["loose", "wide"]
    assert await stray_keys(catalog) == ["rogue (no primary key)", "rogue_id_key (id)"]
    assert await cross_keys(catalog) == ["rogue_event_seq_project_id_fkey", "wide_rogue_id_fkey"]


async def test_the_citus_plan_in_docs_names_every_table_once_in_its_place(
    catalog: asyncpg.Connection,
) -> None:
    text = SCALING.read_text()
    reference = re.findall(r"create_reference_table\('(\w+)'\)", text)
    distributed = re.findall(r"create_distributed_table\('(\w+)', 'project_id'", text)
    tables = await owned_tables(catalog)
    assert sorted(reference) == sorted(REFERENCE)
    assert sorted(distributed) == sorted(t for t, owned in tables.items() if owned)
    groups = re.findall(
        r"create_distributed_table\('\w+', 'project_id', colocate_with => '(\w+)'\)", text
    )
    assert set(groups) == {"journal_heads"}
    assert len(groups) == len(distributed) - 1
