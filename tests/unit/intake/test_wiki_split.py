"""A dump cut into pieces parses, piece after piece, to exactly the revisions and rights
log items of the whole dump read at once.

``payloads/mwxml_dump.xml`` is the sample dump published with mwxml
(github.com/mediawiki-utilities/python-mwxml, ``dump.xml``, MIT licence): a real
export's shape, namespaces and all. The test wiki (``wiki_dumps``) adds rights log
items, anonymous editors, a hidden editor and reverts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from intake.wiki.dump import Row, read_pages
from intake.wiki.edits import Site
from intake.wiki.split import Piece, pieces
from ledger.kernel.errors import InvalidInput
from tests.unit.intake.wiki_dumps import write_wiki

SAMPLE = Path(__file__).parent / "payloads" / "mwxml_dump.xml"


def _parse(document: bytes) -> tuple[Site, list[Row], list[str]]:
    bots: list[str] = []
    site, pages = read_pages(io.BytesIO(document), "w", lambda names: bots.extend(sorted(names)))
    return site, [row for page in pages for row in page.rows], bots


def _cut(document: bytes, revisions: int, limit: int = 1 << 30) -> list[Piece]:
    return list(pieces(io.BytesIO(document).read, revisions, limit))


def _parsed(cut: list[Piece]) -> tuple[Site, list[Row], list[str]]:
    site, rows, bots = _parse(cut[0].document)
    for piece in cut[1:]:
        other, more, named = _parse(piece.document)
        assert other == site
        rows += more
        bots += named
    return site, rows, bots


def _wiki(tmp_path: Path) -> bytes:
    path = tmp_path / "testwiki.xml"
    write_wiki(path)
    return path.read_bytes()


@pytest.mark.parametrize(("revisions", "count"), [(1, 3), (2, 2), (3, 1), (5000, 1)])
def test_the_published_sample_reads_the_same_in_pieces(revisions: int, count: int) -> None:
    whole = SAMPLE.read_bytes()
    cut = _cut(whole, revisions)
    assert len(cut) == count
    assert [p.last for p in cut] == [False] * (count - 1) + [True]
    assert _parsed(cut) == _parse(whole)


def test_a_piece_may_end_inside_a_page_which_the_next_opens_again() -> None:
    whole = SAMPLE.read_bytes()
    first, second, third = _cut(whole, 1)
    assert first.document.count(b"<title>Foo</title>") == 1
    assert second.document.count(b"<title>Foo</title>") == 1  # page 1 again, its 2nd revision
    assert b"<title>Foo</title>" not in third.document
    assert [r[0] for r in _parse(second.document)[1]] == [2]
    assert all(p.document.rstrip().endswith(b"</mediawiki>") for p in (first, second, third))


@pytest.mark.parametrize("revisions", [1, 2, 5, 100])
@pytest.mark.parametrize("limit", [1, 700, 1 << 30])
def test_the_test_wiki_reads_the_same_in_pieces_of_any_size(
    tmp_path: Path, revisions: int, limit: int
) -> None:
    whole = _wiki(tmp_path)
    site, rows, bots = _parse(whole)
    assert (len(rows), bots) == (19, ["tidy helper"])
    assert _parsed(_cut(whole, revisions, limit)) == (site, rows, bots)


def test_a_piece_holds_a_bounded_number_of_bytes(tmp_path: Path) -> None:
    whole = _wiki(tmp_path)
    head = whole[: whole.index(b"<logitem>")]
    cut = _cut(whole, 1 << 30, limit=700)
    assert len(cut) > 3
    longest_item = 700  # the test wiki's revisions are short
    assert all(len(p.document) <= len(head) + 2 * longest_item + 200 for p in cut)


@pytest.mark.parametrize("end", [b"</page>\n", b"<revision>\n      <id>"])
def test_a_dump_cut_short_still_fails_to_parse(tmp_path: Path, end: bytes) -> None:
    whole = _wiki(tmp_path)
    short = whole[: whole.rindex(end) + len(end)]
    with pytest.raises(InvalidInput, match="malformed"):
        _parse(short)
    cut = _cut(short, 2)
    with pytest.raises(InvalidInput, match="malformed"):
        _parsed(cut)


def test_a_dump_without_pages_is_one_piece() -> None:
    whole = SAMPLE.read_bytes()
    empty = whole[: whole.index(b"  <page>")] + b"</mediawiki>\n"
    (piece,) = _cut(empty, 1)
    assert piece == Piece(empty, last=True)
    assert _parse(piece.document)[1] == []


def test_text_that_only_looks_like_a_tag_is_not_cut() -> None:
    whole = SAMPLE.read_bytes().replace(
        b"Revision 1 text", b"&lt;page&gt; &lt;revision&gt; &lt;/page&gt; are escaped"
    )
    assert _parsed(_cut(whole, 1)) == _parse(whole)
    assert len(_cut(whole, 1)) == 3
