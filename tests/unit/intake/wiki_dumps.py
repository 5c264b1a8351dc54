"""A small wiki, written as a MediaWiki dump by the tests themselves: articles, a talk
page, a template and a file, registered and anonymous editors (IPv4, IPv6, a hidden
one), a vandal reverted by a bot and by an editor, a self-revert, a revert that was
itself undone, and a bot known only from the rights log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from intake.wiki.writer import RightsChange, Saved, WikiInfo, WikiPage, write_dump

INFO = WikiInfo("Test Wiki", "testwiki", "https://wiki.example.org/wiki/Main_Page")
START = datetime(2023, 5, 1, 12, 0, tzinfo=UTC)
IPS = ("203.0.113.7", "198.51.100.23", "2001:db8::1")
ANN, BO, CY, DEE, EVE = ("Ann", 5), ("Bo", 6), ("Cy", 7), ("Dee", 8), ("Eve", 11)
CLUEBOT, HELPER = ("ClueBot NG", 9), ("Tidy Helper", 10)


def _at(hours: int) -> datetime:
    return START + timedelta(hours=hours)


def _by(rev: int, hours: int, text: str, who: tuple[str, int]) -> Saved:
    return Saved(rev, _at(hours), text, user=who[0], user_id=who[1], comment="edit")


def _anon(rev: int, hours: int, text: str, ip: str | None) -> Saved:
    return Saved(rev, _at(hours), text, ip=ip, comment=f"from {ip}")


BREAD = "Bread is food. It is baked. Yeast."
PAGES = [
    WikiPage(1, 0, "Bread", [
        _by(101, 0, "Bread is food.", ANN),
        _anon(102, 1, "Bread is food. BUY PILLS", IPS[0]),
        _by(103, 2, "Bread is food.", CLUEBOT),
        _by(104, 3, "Bread is food. It is baked.", BO),
        _by(105, 4, BREAD, ANN),
        _anon(106, 5, "Bread.", IPS[1]),
        _by(107, 6, BREAD, BO),
        _by(108, 7, "X", CY),
        _by(109, 8, BREAD, CY),
    ]),
    WikiPage(2, 1, "Bread", [
        _by(201, 9, "Should we mention rye?", ANN),
        _anon(202, 10, "Yes please.", IPS[2]),
    ]),
    WikiPage(3, 10, "Infobox food", [_by(301, 11, "{{{name}}}", BO)]),
    WikiPage(4, 6, "Loaf.jpg", [_by(401, 12, "A loaf, photographed.", DEE)]),
    WikiPage(5, 0, "Sourdough", [
        _by(501, 13, "Sourdough uses a starter.", HELPER),
        _anon(502, 14, "Sourdough uses a starter culture.", None),
    ]),
    WikiPage(6, 0, "Rye", [
        _by(601, 15, "Rye.", ANN),
        _by(602, 16, "Rye is a grain.", BO),
        _by(603, 17, "Rye.", EVE),
        _by(604, 18, "Rye is a grain.", BO),
    ]),
]  # fmt: skip
RIGHTS = [RightsChange(1, START - timedelta(days=30), HELPER[0], ("bot",))]
# revision -> (kind, editor) of what the import records by default
EXPECTED = {
    101: ("content", "Ann"), 103: ("maintenance", "ClueBot NG"), 104: ("content", "Bo"),
    105: ("content", "Ann"), 107: ("maintenance", "Bo"), 201: ("question", "Ann"),
    202: ("question", "Anonymous editors of Test Wiki"), 301: ("maintenance", "Bo"),
    401: ("design", "Dee"), 501: ("content", "Tidy Helper"),
    502: ("content", "Anonymous editors of Test Wiki"), 601: ("content", "Ann"),
    602: ("content", "Bo"), 604: ("maintenance", "Bo"),
}  # fmt: skip
REVERTED = {102, 106, 108, 603}


def write_wiki(path: Path, *, with_rights: bool = True) -> int:
    """Write the test wiki to ``path`` (compressed by its suffix); its revision count."""
    return write_dump(path, INFO, PAGES, RIGHTS if with_rights else ())
