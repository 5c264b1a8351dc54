"""The one CSV writer of every CSV the service publishes (the treasury's transactions,
the reports' tables): RFC 4180 quoting, CRLF line ends, and cells defused so that a
spreadsheet never runs user text as a formula.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a
contributor named ``=HYPERLINK(...)`` arrives from any pull request) is written with a
leading apostrophe, as OWASP advises; a cell that reads as a plain number (``-12.50``)
is not text and stays as it is. ``None`` is an empty cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def defuse(value: object) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would run it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if not isinstance(value, str):
        return str(value)
    if value and value[0] in _FORMULA_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class CsvText:
    """Rows written to text, defused; ``take()`` hands over what was written so far."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def row(self, cells: Iterable[object]) -> None:
        """Write one row."""
        self._writer.writerow([defuse(c) for c in cells])

    def take(self) -> str:
        """The text written since the last ``take``."""
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A whole table as CSV text with its header row."""
    out = CsvText()
    out.row(header)
    for cells in rows:
        out.row(cells)
    return out.take()
