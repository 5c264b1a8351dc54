"""Reading a MediaWiki XML dump (Special:Export, the dumps of ``dumps.wikimedia.org``)
with ``mwxml``: the site, then every page's revisions in order, as ``Edit``\\ s.

``.xml``, ``.xml.bz2`` and ``.xml.gz`` are read as streams; ``.7z`` has no streaming
reader in Python, so its one member is unpacked to a temporary file first. The
position in the file (compressed bytes) drives a progress bar. ``<logitem>``\\ s of
the rights log (a logging dump, or items before the pages) name the accounts ever
put in the ``bot`` group.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

import mwxml
from mwxml.errors import MalformedXML

from intake.wiki.edits import Edit, Editor, Site, check_wiki, editor_of
from ledger.kernel.errors import InvalidInput

SUFFIXES = (".xml", ".bz2", ".gz", ".7z")
Stream = IO[bytes] | bz2.BZ2File | gzip.GzipFile
_PHP_NEW_GROUPS = re.compile(r'"5::newgroups";a:\d+:\{(.*?)\}', re.DOTALL)
_PHP_STRING = re.compile(r's:\d+:"([^"]*)"')


Row = tuple[int, int, int, int, int | None, str | None, str | None]
"""An edit as compact data: revision, page, namespace, seconds since the epoch, the
editor's account id and name (both None for an anonymous edit: its address stays
here), sha1."""


@dataclass(frozen=True, slots=True)
class PageEdits:
    """One page's revisions, oldest first, read lazily: as rows or as edits, once."""

    page: int
    namespace: int
    rows: Iterator[Row]

    @property
    def edits(self) -> Iterator[Edit]:
        """The revisions as edits."""
        return map(edit_of, self.rows)


def check_dump(path: Path) -> Path:
    """A dump's path by its suffix; InvalidInput otherwise."""
    if not path.name.lower().endswith(SUFFIXES):
        raise InvalidInput(f"a dump is {', '.join(SUFFIXES)}; not {path.name}", "path")
    return path


@contextlib.contextmanager
def open_dump(path: Path) -> Iterator[tuple[Stream, IO[bytes]]]:
    """The dump's XML as a binary stream, and the raw file whose position tells progress."""
    name = check_dump(path).name.lower()
    with contextlib.ExitStack() as stack:
        if name.endswith(".7z"):
            import py7zr  # heavy to import, and only for this format

            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="commons-7z-")))
            try:
                with py7zr.SevenZipFile(path) as archive:
                    members = [m for m in archive.getnames() if not m.endswith("/")]
                    if len(members) != 1:
                        raise InvalidInput("a .7z dump holds exactly one XML file", "path")
                    archive.extractall(folder)
            except (py7zr.Bad7zFile, OSError) as exc:
                raise InvalidInput(f"cannot read the .7z dump: {exc}", "path") from None
            raw = stack.enter_context(open(folder / members[0], "rb"))
            yield raw, raw
            return
        raw = stack.enter_context(open(path, "rb"))
        stream: Stream = raw
        if name.endswith(".bz2"):
            stream = stack.enter_context(bz2.BZ2File(raw, "rb"))
        elif name.endswith(".gz"):
            stream = stack.enter_context(gzip.open(raw, "rb"))
        yield stream, raw


def site_of(dump: Any, wiki: str | None) -> Site:
    """The dump's site; ``wiki`` (else its database name, else its host) names it."""
    info = dump.site_info
    name = wiki or info.dbname or (urlsplit(info.base).hostname if info.base else None)
    if not name:
        raise InvalidInput("the dump names no database; give the wiki's name", "wiki")
    return Site(check_wiki(name), info.name, info.base)


def bot_group_names(item: Any) -> set[str]:
    """The account a rights log item put in the ``bot`` group (as a set), else none."""
    if item.type != "rights" or not item.params or item.page is None or not item.page.title:
        return set()
    params = str(item.params)
    found = _PHP_NEW_GROUPS.search(params)
    if found is not None:
        groups = set(_PHP_STRING.findall(found.group(1)))
    else:  # the old form: old groups, then new groups, one line each
        lines = params.split("\n")
        groups = {g.strip() for g in (lines[1] if len(lines) > 1 else "").split(",")}
    return {str(item.page.title).lower()} if "bot" in groups else set()


def edit_rows(page: Any) -> Iterator[Row]:
    """A page's revisions as rows, oldest first (InvalidInput where the XML breaks off)."""
    try:
        for revision in page:
            user = revision.user
            editor = editor_of(user.id if user else None, user.text if user else None)
            seconds = revision.timestamp.unix()
            sha1 = revision.sha1
            yield (revision.id, page.id, page.namespace, seconds, editor.user_id, editor.name, sha1)
    except (ParseError, MalformedXML) as exc:
        raise InvalidInput(f"the dump is malformed: {str(exc)[:200]}", "path") from None


def edit_of(row: Row) -> Edit:
    """The edit a row holds."""
    revision, page, namespace, seconds, user_id, name, sha1 = row
    at = datetime.fromtimestamp(seconds, tz=UTC)
    return Edit(revision, page, namespace, at, Editor(user_id, name), sha1)


def read_pages(
    stream: Stream, wiki: str | None, on_bots: Callable[[set[str]], None]
) -> tuple[Site, Iterator[PageEdits]]:
    """The site and a lazy iterator of pages; rights log items are handed to ``on_bots``
    as they are read."""
    try:
        dump = mwxml.Dump.from_file(stream)
    except (ParseError, MalformedXML, AssertionError) as exc:
        raise InvalidInput(f"not a MediaWiki XML dump: {str(exc)[:200]}", "path") from None
    site = site_of(dump, wiki)

    def pages() -> Iterator[PageEdits]:
        try:
            for item in dump.items:
                if isinstance(item, mwxml.Page):
                    yield PageEdits(item.id, item.namespace, edit_rows(item))
                else:
                    on_bots(bot_group_names(item))
        except (ParseError, MalformedXML) as exc:
            raise InvalidInput(f"the dump is malformed: {str(exc)[:200]}", "path") from None

    return site, pages()


def bots_from_log(path: Path) -> set[str]:
    """Every account a logging dump's rights log ever put in the ``bot`` group."""
    found: set[str] = set()
    with open_dump(path) as (stream, _):
        _, pages = read_pages(stream, "log", found.update)
        for page in pages:
            for _ in page.edits:
                pass
    return found
