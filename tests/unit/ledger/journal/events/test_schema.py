"""The published JSON Schema is generated from the catalogue, committed, and describes
documents the way the catalogue reads them."""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from ledger.journal.events import EVENTS
from ledger.journal.events.schema import FILE, SCHEMA_ID, catalogue_schema, schema_text

SCHEMA = catalogue_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _kind(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "project_id": 1,
        "seq": 1,
        "type": "kind.defined",
        "v": 1,
        "body": body,
        "actor": "admin",
        "recorded_at": "2026-03-02T10:00:00.123456Z",
    }


def test_the_committed_schema_matches_the_catalogue() -> None:
    assert FILE.read_text() == schema_text(), (
        "ledger/journal/events/schema.json is out of date: run `commons schema` and commit it"
    )


def test_it_is_a_valid_2020_12_schema_with_a_path_only_id() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == SCHEMA_ID == "/schemas/journal-events/v2.json"


def test_it_holds_one_body_schema_per_type_and_version_and_states_the_hashing_rule() -> None:
    assert {f"{cls.TYPE}.v{cls.VERSION}" for cls in EVENTS} <= set(SCHEMA["$defs"])
    assert sorted(SCHEMA["properties"]["type"]["enum"]) == sorted({cls.TYPE for cls in EVENTS})
    for rule in (
        "SHA-256(prev_hash || RFC 8785 canonical JSON of the document)",
        "{project_id, seq, type, v, body, actor, recorded_at}",
        "32 zero bytes",
        "SHA-256(0x00 || RFC 8785 canonical JSON of the document)",
    ):
        assert rule in SCHEMA["description"]


def test_a_document_validates_and_its_body_is_held_to_its_type() -> None:
    assert list(VALIDATOR.iter_errors(_kind({"kind": "poetry", "description": ""}))) == []
    wrong = [e.message for e in VALIDATOR.iter_errors(_kind({"kind": 1, "description": ""}))]
    assert wrong == ["1 is not of type 'string'"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({**_kind({"kind": "x", "description": ""}), "type": "note.added"}, "is not one of"),
        ({**_kind({"kind": "x", "description": "", "n": 1}), "seq": 1}, "'n' was unexpected"),
        ({**_kind({"kind": "x", "description": ""}), "recorded_at": "today"}, "does not match"),
        ({**_kind({"kind": "x", "description": ""}), "v": 0}, "less than the minimum"),
    ],
)
def test_an_unknown_type_an_unknown_key_or_a_loose_timestamp_is_refused(
    document: dict[str, Any], message: str
) -> None:
    assert any(message in e.message for e in VALIDATOR.iter_errors(document))


def test_each_version_of_a_type_is_held_to_its_own_body() -> None:
    old = {"merge_id": 3, "source": 5, "target": 4, "contributions": 2}
    listed = {**old, "contribution_ids": [8, 9]}
    unmerged = {**_kind({}), "type": "contributors.unmerged"}
    for v, body in ((1, old), (2, old), (2, listed)):
        assert list(VALIDATOR.iter_errors({**unmerged, "v": v, "body": body})) == []
    refused = [e.message for e in VALIDATOR.iter_errors({**unmerged, "v": 1, "body": listed})]
    assert any("'contribution_ids' was unexpected" in m for m in refused)
