"""The one CSV writer defuses every cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from ledger.kernel.spreadsheet import CsvText, csv_text, defuse


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("https://evil.invalid","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text: str) -> None:
    assert defuse(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.50", "-3", "42", Decimal("-0.5000"), 7, "Ada", ""])
def test_numbers_and_plain_text_are_written_as_they_are(value: object) -> None:
    assert defuse(value) == str(value)


def test_none_is_an_empty_cell() -> None:
    assert defuse(None) == ""


def test_a_table_reads_back_with_its_header_and_defused_cells() -> None:
    text = csv_text(["name", "credit"], [["=cmd|' /C calc'!A0", Decimal("3.0000")], [None, -1]])
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "credit"],
        ["'=cmd|' /C calc'!A0", "3.0000"],
        ["", "-1"],
    ]


def test_take_hands_over_only_what_was_written_since_the_last_take() -> None:
    out = CsvText()
    out.row(["a"])
    assert out.take() == "a\r\n"
    out.row(["@b"])
    assert out.take() == "'@b\r\n"
