"""A dump's XML cut into pieces that each parse on their own, so that several processes
can parse one dump at once (``intake.wiki.parse``).

A dump is ``<mediawiki>``, its ``<siteinfo>``, then items: ``<page>``\\ s (each a
header, then ``<revision>``\\ s) and ``<logitem>``\\ s. Those tags never occur inside
the dump's text, which XML escapes, so the places to cut are found by scanning the
bytes, without parsing. A piece is the dump's head (everything before its first item)
followed by whole items and closed as the dump is closed; a piece may end inside a
page, before one of its revisions: it closes the page there, and the next piece
opens it again with the page's own header. Read in order, the pieces' revisions are
the dump's, in the dump's order, each once.

Pieces hold about ``revisions`` revisions or ``limit`` bytes, whichever comes first,
so memory stays bounded however large one page's history is. The last piece ends
as the dump itself ends: a dump cut short still fails to parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ledger.kernel.errors import InvalidInput

BLOCK = 1 << 20
LIMIT = 16 << 20  # bytes of one piece, about
HEAD = 64 << 20  # the most a dump's head (its site information) may take
_MARK = re.compile(rb"<(page|logitem|revision)>|</page>")
_LONGEST = len(b"<revision>")
_CLOSE_PAGE = b"</page>\n"
_CLOSE = b"</mediawiki>\n"


@dataclass(frozen=True, slots=True)
class Piece:
    """A document of its own: the dump's head, some items, closed."""

    document: bytes
    last: bool


def pieces(read: Callable[[int], bytes], revisions: int, limit: int = LIMIT) -> Iterator[Piece]:
    """The pieces of the dump that ``read(n)`` returns, in order."""
    buffer = bytearray()
    while (found := _MARK.search(buffer)) is None:
        block = read(BLOCK)
        if not block:  # no items at all: the whole dump is one piece
            yield Piece(bytes(buffer), last=True)
            return
        buffer += block
        if len(buffer) > HEAD:
            raise InvalidInput("not a MediaWiki XML dump: no page within its first bytes", "path")
    head = bytes(buffer[: found.start()])
    del buffer[: found.start()]
    cutter = _Cutter(head, revisions, limit)
    scan = 0
    while True:
        while (mark := _MARK.search(buffer, scan)) is not None:
            piece, scan = cutter.mark(buffer, mark.start(), mark.group())
            if piece is not None:
                yield Piece(piece, last=False)
        scan = max(scan, len(buffer) - _LONGEST + 1)
        block = read(BLOCK)
        if not block:
            yield Piece(head + cutter.carry + bytes(buffer), last=True)
            return
        buffer += block


class _Cutter:
    """The piece being gathered (it starts the buffer): what it opens with (the header
    of a page the last piece closed early), how many revisions it holds, and where
    the page open in it starts until that page's header is known."""

    def __init__(self, head: bytes, revisions: int, limit: int) -> None:
        self.head, self.revisions, self.limit = head, max(1, revisions), limit
        self.carry = b""
        self.counted = 0
        self.page: int | None = None
        self.page_head: bytes | None = None

    def _cut(self, buffer: bytearray, at: int, closing: bytes) -> bytes:
        piece = self.head + self.carry + bytes(buffer[:at]) + closing + _CLOSE
        del buffer[:at]
        self.counted = 0
        return piece

    def mark(self, buffer: bytearray, at: int, tag: bytes) -> tuple[bytes | None, int]:
        """Take the tag at ``at``: the piece finished before it, if the buffer was cut
        there (it then starts with the tag), and where to scan on from."""
        if tag == b"</page>":
            self.page = self.page_head = None
            return None, at + len(tag)
        full = self.counted >= self.revisions or at >= self.limit
        piece = None
        if tag == b"<revision>":
            if self.page_head is None and self.page is not None:
                self.page_head = bytes(buffer[self.page : at])
            if full and self.page_head is not None:
                piece = self._cut(buffer, at, _CLOSE_PAGE)
                self.carry, self.page, at = self.page_head, None, 0
            self.counted += 1
            return piece, at + len(tag)
        if full:
            piece = self._cut(buffer, at, b"")
            self.carry, at = b"", 0
        if tag == b"<page>":
            self.page, self.page_head = at, None
        return piece, at + len(tag)
