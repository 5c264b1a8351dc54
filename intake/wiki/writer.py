"""Writing a MediaWiki XML export (format 0.11, as Special:Export writes it) from
pages and their saved revisions: the demo's wiki and the benchmark's and tests' dumps
are made with it, then read back by ``intake.wiki.dump`` like any wiki's.

A revision's ``sha1`` is MediaWiki's: the SHA-1 of its text in base 36, 31 digits.
The suffix picks the compression (``.xml``, ``.bz2``, ``.gz``, ``.7z``).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import hashlib
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import py7zr

NAMESPACES = {
    0: "", 1: "Talk", 2: "User", 3: "User talk", 4: "Project", 5: "Project talk",
    6: "File", 7: "File talk", 8: "MediaWiki", 10: "Template", 11: "Template talk",
    12: "Help", 14: "Category", 828: "Module",
}  # fmt: skip
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class WikiInfo:
    """The ``<siteinfo>`` of a dump."""

    name: str
    dbname: str
    base: str


@dataclass(frozen=True, slots=True)
class Saved:
    """A revision as the wiki stored it: an account (``user``, ``user_id``), an IP
    address (``ip``), or neither (the editor is hidden)."""

    id: int
    timestamp: datetime
    text: str
    user: str | None = None
    user_id: int | None = None
    ip: str | None = None
    comment: str = ""
    minor: bool = False


@dataclass(frozen=True, slots=True)
class WikiPage:
    """A page and its revisions, oldest first."""

    id: int
    namespace: int
    title: str
    revisions: Sequence[Saved]


@dataclass(frozen=True, slots=True)
class RightsChange:
    """A rights log entry: ``target`` was put in ``groups``."""

    id: int
    timestamp: datetime
    target: str
    groups: tuple[str, ...]


def sha1_base36(text: str) -> str:
    """MediaWiki's content hash: SHA-1 in base 36, zero-padded to 31 digits."""
    number = int.from_bytes(hashlib.sha1(text.encode()).digest(), "big")  # noqa: S324
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _DIGITS[rest] + digits
    return digits.rjust(31, "0")


def _time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _head(info: WikiInfo) -> str:
    spaces = "".join(
        f'      <namespace key="{k}" case="first-letter">{escape(v)}</namespace>\n'
        if v
        else f'      <namespace key="{k}" case="first-letter" />\n'
        for k, v in NAMESPACES.items()
    )
    return (
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.11/ '
        'http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="en">\n'
        f"  <siteinfo>\n    <sitename>{escape(info.name)}</sitename>\n"
        f"    <dbname>{escape(info.dbname)}</dbname>\n    <base>{escape(info.base)}</base>\n"
        "    <generator>MediaWiki 1.42.1</generator>\n    <case>first-letter</case>\n"
        f"    <namespaces>\n{spaces}    </namespaces>\n  </siteinfo>\n"
    )


def _contributor(saved: Saved) -> str:
    if saved.user is not None and saved.user_id is not None:
        return (
            f"      <contributor>\n        <username>{escape(saved.user)}</username>\n"
            f"        <id>{saved.user_id}</id>\n      </contributor>\n"
        )
    if saved.ip is not None:
        return f"      <contributor>\n        <ip>{escape(saved.ip)}</ip>\n      </contributor>\n"
    return '      <contributor deleted="deleted" />\n'


def _revision(saved: Saved, parent: int | None) -> str:
    sha1 = sha1_base36(saved.text)
    size = len(saved.text.encode())
    return (
        f"    <revision>\n      <id>{saved.id}</id>\n"
        + (f"      <parentid>{parent}</parentid>\n" if parent else "")
        + f"      <timestamp>{_time(saved.timestamp)}</timestamp>\n"
        + _contributor(saved)
        + ("      <minor />\n" if saved.minor else "")
        + (f"      <comment>{escape(saved.comment)}</comment>\n" if saved.comment else "")
        + f"      <origin>{saved.id}</origin>\n      <model>wikitext</model>\n"
        + "      <format>text/x-wiki</format>\n"
        + f'      <text bytes="{size}" sha1="{sha1}" xml:space="preserve">'
        + f"{escape(saved.text)}</text>\n      <sha1>{sha1}</sha1>\n    </revision>\n"
    )


def _page(page: WikiPage) -> str:
    prefix = NAMESPACES.get(page.namespace, "")
    title = f"{prefix}:{page.title}" if prefix else page.title
    parts = [f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{page.namespace}</ns>\n"]
    parts.append(f"    <id>{page.id}</id>\n")
    parent = None
    for saved in page.revisions:
        parts.append(_revision(saved, parent))
        parent = saved.id
    parts.append("  </page>\n")
    return "".join(parts)


def _rights(change: RightsChange) -> str:
    groups = "".join(f'i:{i};s:{len(g)}:"{g}";' for i, g in enumerate(change.groups))
    params = f'a:2:{{s:12:"4::oldgroups";a:0:{{}}s:12:"5::newgroups";a:{len(change.groups)}:{{{groups}}}}}'
    return (
        f"  <logitem>\n    <id>{change.id}</id>\n"
        f"    <timestamp>{_time(change.timestamp)}</timestamp>\n"
        "    <contributor>\n      <username>Steward</username>\n      <id>1</id>\n"
        "    </contributor>\n    <type>rights</type>\n    <action>rights</action>\n"
        f"    <logtitle>{escape('User:' + change.target)}</logtitle>\n"
        f"    <params xml:space={quoteattr('preserve')}>{escape(params)}</params>\n"
        "  </logitem>\n"
    )


@contextlib.contextmanager
def _output(path: Path) -> Iterator[IO[str]]:
    name = path.name.lower()
    if name.endswith(".7z"):
        with tempfile.TemporaryDirectory(prefix="commons-7z-") as folder:
            inner = Path(folder) / path.name.removesuffix(".7z")
            with open(inner, "w", encoding="utf-8") as out:
                yield out
            with py7zr.SevenZipFile(path, "w") as archive:
                archive.write(inner, inner.name)
        return
    if name.endswith(".bz2"):
        with bz2.open(path, "wt", encoding="utf-8") as out:
            yield out
    elif name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as out:
            yield out
    else:
        with open(path, "w", encoding="utf-8") as out:
            yield out


def write_dump(
    path: Path,
    info: WikiInfo,
    pages: Iterable[WikiPage],
    rights: Iterable[RightsChange] = (),
) -> int:
    """Write a dump of ``pages`` (rights log items first); how many revisions it holds."""
    revisions = 0
    with _output(path) as out:
        out.write(_head(info))
        for change in rights:
            out.write(_rights(change))
        for page in pages:
            out.write(_page(page))
            revisions += len(page.revisions)
        out.write("</mediawiki>\n")
    return revisions
