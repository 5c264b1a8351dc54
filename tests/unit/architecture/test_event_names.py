"""Each journal event type is named once, on its type in ``ledger/journal/events/``:
no other source file spells a type's name as a string (nor quotes it in SQL)."""

from __future__ import annotations

import ast
from pathlib import Path

from ledger.journal.events import TYPES

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("app", "intake", "reports", "governance", "licenses", "ledger", "bench")
CATALOGUE = ROOT / "ledger" / "journal" / "events"


def spellings(source: str) -> list[tuple[int, str]]:
    """(line, type name) of every string constant that is a type's name or quotes it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            named = {node.value} & TYPES or {t for t in TYPES if f"'{t}'" in node.value}
            found += [(node.lineno, name) for name in sorted(named)]
    return found


def test_no_event_type_name_is_spelled_outside_the_catalogue() -> None:
    spelled = [
        (str(path.relative_to(ROOT)), line, name)
        for package in SCANNED
        for path in sorted((ROOT / package).rglob("*.py"))
        if not path.is_relative_to(CATALOGUE)
        for line, name in spellings(path.read_text())
    ]
    assert spelled == []


def test_the_scan_finds_a_name_as_a_string_or_quoted_in_sql_but_not_in_prose() -> None:
    sample = (
        'KIND = "proposal.closed"\n'
        "SQL = \"SELECT body FROM journal_events WHERE type = 'grant.recorded'\"\n"
        'NOTE = f"the proposal.closed event of {KIND}"\n'
    )
    assert spellings(sample) == [(1, "proposal.closed"), (2, "grant.recorded")]
    assert len(spellings((CATALOGUE / "governance.py").read_text())) == 9
