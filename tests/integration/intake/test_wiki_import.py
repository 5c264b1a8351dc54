"""A MediaWiki dump written by the test, imported into a project: one contribution per
revision that earns one, wiki identities, bots stored but not counted, anonymous
editors without their address, reverts judged, the wiki's terms as every editor's
grant, idempotent and resumable."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest

from intake.wiki.edits import WikiOptions
from intake.wiki.importer import import_dump
from intake.wiki.writer import Saved, WikiPage, write_dump
from ledger.journal.chain import verify
from ledger.kernel.errors import InvalidInput
from ledger.register.models import Project
from ledger.register.projects import ProjectInput, create_project, get_project
from licenses.coverage import Window, summary
from tests.unit.intake.wiki_dumps import EXPECTED, INFO, IPS, START, write_wiki

TERMS = "CC-BY-SA-4.0 OR GFDL-1.3-no-invariants-or-later"


@pytest.fixture
async def wiki(pool: asyncpg.Pool) -> Project:
    async with pool.acquire() as conn, conn.transaction():
        return await create_project(conn, ProjectInput("wiki", "Test Wiki"), "admin")


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "testwiki-pages-meta-history.xml.bz2"
    write_wiki(path)
    return path


async def _recorded(pool: asyncpg.Pool) -> dict[int, tuple[str, str]]:
    rows = await pool.fetch(
        """SELECT (c.metadata->>'revision')::int AS revision, c.kind, p.display_name
        FROM contributions c JOIN contributors p ON p.id = c.contributor_id"""
    )
    return {r["revision"]: (r["kind"], r["display_name"]) for r in rows}


async def test_a_dump_becomes_contributions_of_the_wikis_editors(
    pool: asyncpg.Pool, wiki: Project, dump: Path
) -> None:
    result = await import_dump(pool, wiki, dump, terms=TERMS)
    assert (result.wiki, result.revisions, result.recorded, result.reverted) == (
        "testwiki",
        19,
        14,
        4,
    )
    assert await _recorded(pool) == EXPECTED
    identities = await pool.fetch(
        "SELECT source, external_id, login FROM identities ORDER BY external_id"
    )
    assert [tuple(r) for r in identities] == [
        ("mediawiki", "testwiki:10", "Tidy Helper"),
        ("mediawiki", "testwiki:5", "Ann"),
        ("mediawiki", "testwiki:6", "Bo"),
        ("mediawiki", "testwiki:8", "Dee"),
        ("mediawiki", "testwiki:9", "ClueBot NG"),
        ("mediawiki", "testwiki:anonymous", None),
    ]
    bots = await pool.fetch(
        """SELECT p.display_name, bool_and(NOT c.counted) AS uncounted FROM contributions c
        JOIN contributors p ON p.id = c.contributor_id WHERE p.is_bot GROUP BY 1 ORDER BY 1"""
    )
    assert [tuple(r) for r in bots] == [("ClueBot NG", True), ("Tidy Helper", True)]
    url = await pool.fetchval(
        "SELECT evidence_url FROM contributions WHERE metadata->>'revision' = '107'"
    )
    assert url == "https://wiki.example.org/wiki/Special:Redirect/revision/107"
    progress = await pool.fetchrow("SELECT revisions, recorded, reverted FROM wiki_imports")
    assert tuple(progress) == (19, 14, 4)
    async with pool.acquire() as conn:
        assert (await verify(conn, wiki.id)).ok


async def test_no_address_of_an_anonymous_editor_is_stored_anywhere(
    pool: asyncpg.Pool, wiki: Project, dump: Path
) -> None:
    await import_dump(pool, wiki, dump, terms=TERMS)
    tables = [
        r["tablename"]
        for r in await pool.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    for table in tables:
        text = "\n".join(r[0] for r in await pool.fetch(f'SELECT t::text FROM "{table}" t'))
        for ip in IPS:
            assert ip not in text, (table, ip)
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 14


async def test_the_wikis_terms_are_every_editors_grant_and_cover_their_edits(
    pool: asyncpg.Pool, wiki: Project, dump: Path
) -> None:
    result = await import_dump(pool, wiki, dump, terms=TERMS)
    project = await get_project(pool, "wiki")
    assert project.outbound_license == TERMS
    grants = await pool.fetch(
        """SELECT p.display_name, g.license_expression, g.grantee, g.rights, g.scope_from
        FROM grants g JOIN contributors p ON p.id = g.grantor_contributor_id
        WHERE g.instrument = 'inbound_outbound' ORDER BY 1"""
    )
    assert result.grants == len(grants) == 6
    assert {r["license_expression"] for r in grants} == {TERMS}
    assert {r["grantee"] for r in grants} == {"public"}
    assert "sublicense" not in grants[0]["rights"]
    title = await pool.fetchval("SELECT title FROM agreement_texts")
    assert title == "Terms of use of Test Wiki"
    rows = await summary(pool, wiki.id, Window(), None)
    assert sum(r.total for r in rows) == sum(r.covered for r in rows) == 12  # bots uncounted


async def test_importing_again_adds_nothing(pool: asyncpg.Pool, wiki: Project, dump: Path) -> None:
    await import_dump(pool, wiki, dump, terms=TERMS)
    length = await pool.fetchval("SELECT seq FROM journal_heads WHERE project_id = $1", wiki.id)
    again = await import_dump(pool, wiki, dump, terms=TERMS)
    assert (again.revisions, again.recorded, again.grants) == (19, 0, 0)
    assert (
        await pool.fetchval("SELECT seq FROM journal_heads WHERE project_id = $1", wiki.id)
        == length
    )


async def test_an_interrupted_import_resumes_where_it_stopped(
    pool: asyncpg.Pool, wiki: Project, dump: Path
) -> None:
    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await import_dump(pool, wiki, dump, terms=TERMS, batch=4, progress=stop)
    first = await pool.fetchval("SELECT count(*) FROM contributions")
    assert 0 < first < 14
    project = await get_project(pool, "wiki")
    resumed = await import_dump(pool, project, dump, batch=4)
    assert resumed.recorded == 14 - first
    assert await _recorded(pool) == EXPECTED
    assert await pool.fetchval("SELECT finished_at IS NOT NULL FROM wiki_imports")


async def test_a_wiki_import_needs_the_terms_license_and_keeps_the_projects(
    pool: asyncpg.Pool, wiki: Project, dump: Path
) -> None:
    with pytest.raises(InvalidInput, match="give them"):
        await import_dump(pool, wiki, dump)
    await import_dump(pool, wiki, dump, terms=TERMS)
    project = await get_project(pool, "wiki")
    with pytest.raises(InvalidInput, match=r"not CC-BY-SA-3\.0"):
        await import_dump(pool, project, dump, terms="CC-BY-SA-3.0")


async def test_project_kinds_and_policies_shape_the_import(
    pool: asyncpg.Pool, wiki: Project, dump: Path
) -> None:
    options = WikiOptions(kinds={1: "review"}, reverted="record", revert_kind=None)
    result = await import_dump(pool, wiki, dump, terms=TERMS, options=options)
    recorded = await _recorded(pool)
    assert result.recorded == 18  # all but the self-revert
    assert recorded[201] == ("review", "Ann")
    assert recorded[102] == ("content", "Anonymous editors of Test Wiki")
    assert recorded[107] == ("content", "Bo")


async def test_a_file_that_is_no_dump_is_refused(
    pool: asyncpg.Pool, wiki: Project, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.xml"
    bad.write_text("<html><body>not a dump</body></html>")
    with pytest.raises(InvalidInput, match="not a MediaWiki XML dump"):
        await import_dump(pool, wiki, bad, terms=TERMS)
    with pytest.raises(InvalidInput, match="a dump is"):
        await import_dump(pool, wiki, tmp_path / "notes.txt", terms=TERMS)


async def test_an_editors_older_edit_in_a_later_batch_still_gets_its_grant(
    pool: asyncpg.Pool, wiki: Project, tmp_path: Path
) -> None:
    later, earlier, latest = (
        WikiPage(1, 0, "Oats", [Saved(11, START + timedelta(hours=10), "Oats.", user="Fay", user_id=3)]),
        WikiPage(2, 0, "Barley", [Saved(21, START + timedelta(hours=1), "Barley.", user="Fay", user_id=3)]),
        WikiPage(3, 0, "Millet", [Saved(31, START + timedelta(hours=20), "Millet.", user="Fay", user_id=3)]),
    )  # fmt: skip
    path = tmp_path / "grains-pages-meta-history.xml"
    write_dump(path, INFO, [later, earlier, latest])
    result = await import_dump(pool, wiki, path, terms=TERMS, batch=1)
    assert (result.recorded, result.grants) == (3, 2)
    scopes = await pool.fetch(
        "SELECT scope_from FROM grants WHERE instrument = 'inbound_outbound' ORDER BY 1"
    )
    assert [r["scope_from"] for r in scopes] == [
        START + timedelta(hours=1),
        START + timedelta(hours=10),
    ]
    rows = await summary(pool, wiki.id, Window(), None)
    assert sum(r.total for r in rows) == sum(r.covered for r in rows) == 3


async def test_a_dump_parsed_in_many_pieces_at_once_imports_the_same(
    pool: asyncpg.Pool, wiki: Project, dump: Path
) -> None:
    # One revision per piece: every parser races the others on every page.
    result = await import_dump(pool, wiki, dump, terms=TERMS, batch=1)
    assert (result.revisions, result.recorded, result.reverted) == (19, 14, 4)
    assert await _recorded(pool) == EXPECTED
    async with pool.acquire() as conn:
        assert (await verify(conn, wiki.id)).ok


async def test_a_dump_cut_short_is_refused_after_the_batches_before_the_break(
    pool: asyncpg.Pool, wiki: Project, tmp_path: Path
) -> None:
    whole = tmp_path / "testwiki.xml"
    write_wiki(whole)
    text = whole.read_bytes()
    short = tmp_path / "testwiki-short.xml"
    short.write_bytes(text[: text.rindex(b"<revision>") + len(b"<revision>\n      <id>")])
    with pytest.raises(InvalidInput, match="malformed"):
        await import_dump(pool, wiki, short, terms=TERMS, batch=2)
    kept = await pool.fetchval("SELECT count(*) FROM contributions")
    assert 0 < kept < 14
    async with pool.acquire() as conn:
        assert (await verify(conn, wiki.id)).ok
