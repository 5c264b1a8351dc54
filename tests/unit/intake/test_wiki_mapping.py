"""The test wiki read back and judged: kinds per namespace, bots, anonymous editors
without their address, and reverts (undone, self, by a bot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.wiki.dump import edit_of, open_dump, read_pages
from intake.wiki.edits import Editor, Site, WikiOptions, editor_of
from intake.wiki.judge import Batch, Judge, batches
from intake.wiki.mapping import is_wiki_bot, kind_of
from ledger.kernel.errors import InvalidInput
from tests.unit.intake.wiki_dumps import EXPECTED, IPS, REVERTED, write_wiki


def _read(path: Path, options: WikiOptions) -> tuple[dict[int, tuple[str, str, bool]], int, int]:
    bots: set[str] = set(options.bots)
    with open_dump(path) as (stream, _):
        site, pages = read_pages(stream, None, bots.update)
        chosen = WikiOptions(options.kinds, bots, options.reverted, options.revert_kind)
        found = list(batches(site, pages, chosen, 4))
    recorded = {
        a.metadata["revision"]: (a.kind, a.actor.name or "", a.actor.bot)
        for b in found
        for a in b.activities
    }
    return recorded, sum(b.revisions for b in found), sum(b.reverted for b in found)


@pytest.mark.parametrize("suffix", [".xml", ".xml.bz2", ".xml.gz", ".xml.7z"])
def test_every_dump_format_reads_to_the_same_judged_edits(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"testwiki{suffix}"
    write_wiki(path)
    recorded, revisions, reverted = _read(path, WikiOptions())
    assert {r: (k, n) for r, (k, n, _) in recorded.items()} == EXPECTED
    assert (revisions, reverted) == (19, len(REVERTED))
    assert {r for r, (_, _, bot) in recorded.items() if bot} == {103, 501}


def test_reverted_edits_can_be_recorded_and_reverts_keep_their_kind(tmp_path: Path) -> None:
    path = tmp_path / "testwiki.xml"
    write_wiki(path)
    recorded, _, _ = _read(path, WikiOptions(reverted="record", revert_kind=None))
    assert set(recorded) >= REVERTED
    assert recorded[107][0] == "content"
    assert 109 not in recorded  # a self-revert earns nothing either way


def test_a_bot_known_only_from_the_rights_log_is_not_one_without_it(tmp_path: Path) -> None:
    path = tmp_path / "testwiki.xml"
    write_wiki(path, with_rights=False)
    recorded, _, _ = _read(path, WikiOptions())
    assert recorded[501] == ("content", "Tidy Helper", False)
    listed, _, _ = _read(path, WikiOptions(bots=frozenset({"tidy helper"})))
    assert listed[501][2] is True


def test_namespaces_map_to_kinds_with_project_overrides() -> None:
    options = WikiOptions(kinds={4: "doc"})
    assert [kind_of(n, WikiOptions()) for n in (0, 1, 3, 6, 10, 12, 14, 828, 100)] == [
        "content", "question", "question", "design", "maintenance", "doc", "maintenance",
        "code", "content",
    ]  # fmt: skip
    assert kind_of(4, options) == "doc"


def test_an_address_is_never_an_editor_name() -> None:
    for ip in IPS:
        assert editor_of(None, ip) == Editor(None, None)
        assert editor_of(0, ip) == Editor(None, None)
        assert editor_of(12, ip) == Editor(None, None)  # imported edits name addresses too
    assert editor_of(12, "Ann") == Editor(12, "Ann")


def test_bots_follow_the_naming_convention_the_flag_and_the_list() -> None:
    options = WikiOptions(bots=frozenset({"archiver"}))
    for name in ("Cydebot", "ClueBot NG", "AnomieBOT", "Lowercase sigmabot III", "Archiver"):
        assert is_wiki_bot(Editor(1, name), options), name
    assert is_wiki_bot(Editor(1, "Ann", bot=True), options)
    assert not is_wiki_bot(Editor(1, "Robotics fan"), options)


def test_a_revision_link_names_no_page() -> None:
    site = Site("testwiki", "Test Wiki", "https://wiki.example.org/wiki/Main_Page")
    assert site.revision_url(42) == "https://wiki.example.org/wiki/Special:Redirect/revision/42"
    assert Site("x").revision_url(42) is None


def test_options_refuse_unknown_kinds_and_policies() -> None:
    with pytest.raises(InvalidInput):
        WikiOptions(kinds={0: "prose"}).validated()
    with pytest.raises(InvalidInput):
        WikiOptions(reverted="halve").validated()
    assert WikiOptions(kinds={0: "prose"}).validated(frozenset({"prose"})).kinds == {0: "prose"}


@pytest.mark.parametrize("size", [1, 3, 7, 100])
def test_judging_in_chunks_of_any_size_judges_the_same(tmp_path: Path, size: int) -> None:
    path = tmp_path / "testwiki.xml"
    write_wiki(path)
    with open_dump(path) as (stream, _):
        site, pages = read_pages(stream, None, lambda names: None)
        rows = [row for page in pages for row in page.rows]
    judge = Judge(site, WikiOptions(bots=frozenset({"tidy helper"})))
    found = Batch()
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        found.add(judge.feed(map(edit_of, chunk), last=start + size >= len(rows)))
    assert {a.metadata["revision"]: (a.kind, a.actor.name) for a in found.activities} == EXPECTED
    assert (found.revisions, found.reverted) == (19, len(REVERTED))


def test_an_editor_the_rights_log_names_later_is_a_bot_from_then_on(tmp_path: Path) -> None:
    path = tmp_path / "testwiki.xml"
    write_wiki(path, with_rights=False)
    with open_dump(path) as (stream, _):
        site, pages = read_pages(stream, None, lambda names: None)
        edits = [e for page in pages for e in page.edits if e.editor.name == "Tidy Helper"]
    judge = Judge(site, WikiOptions())
    (before,) = judge.feed(edits, last=True).activities
    judge.add_bots(["tidy helper"])
    (after,) = judge.feed(edits, last=True).activities
    assert (before.actor.bot, after.actor.bot) == (False, True)
