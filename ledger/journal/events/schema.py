"""The catalogue published as one JSON Schema (draft 2020-12), generated from the types.

The schema describes an event document and, under ``$defs``, the body of every event
type in every version (``"<type>.v<version>"``); its description states the hashing
rule, so a stranger can decode and recompute every event. ``schema.json`` beside this
module is the committed output (``commons schema`` writes it; a test holds it in sync).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from ledger.journal.events import CATALOGUE, EVENTS, Event
from ledger.journal.events.base import Timestamp

SCHEMA_ID = "/schemas/journal-events/v2.json"
FILE = Path(__file__).with_name("schema.json")
HASHING = (
    "One event of a project's append-only journal (format 2): the document "
    "{project_id, seq, type, v, body, actor, recorded_at}. Each project has one chain: "
    "hash = SHA-256(prev_hash || RFC 8785 canonical JSON of the document), where "
    "prev_hash is the hash of event seq - 1 and the genesis value (before seq 1) is 32 "
    "zero bytes. The journal is also an RFC 9162 Merkle tree whose leaf for an event is "
    "SHA-256(0x00 || RFC 8785 canonical JSON of the document). The body of an event of "
    "type T at version N (the document's v) is described by $defs/T.vN."
)


def definition(cls: type[Event]) -> str:
    """The ``$defs`` key of an event type's body schema."""
    return f"{cls.TYPE}.v{cls.VERSION}"


def _document(types: list[str]) -> dict[str, Any]:
    (recorded_at,), _ = msgspec.json.schema_components([Timestamp])
    return {
        "type": "object",
        "properties": {
            "project_id": {"type": "integer", "description": "The project's number."},
            "seq": {"type": "integer", "minimum": 1, "description": "Place in the chain."},
            "type": {"enum": types, "description": "The event type's name."},
            "v": {"type": "integer", "minimum": 1, "description": "The type's version."},
            "body": {"type": "object", "description": "The event, as its type describes."},
            "actor": {"type": "string", "description": "Who made the change."},
            "recorded_at": recorded_at,
        },
        "required": ["project_id", "seq", "type", "v", "body", "actor", "recorded_at"],
        "additionalProperties": False,
    }


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema of the journal's documents and of every event body."""
    refs, components = msgspec.json.schema_components(EVENTS, ref_template="#/$defs/{name}")
    bodies = {}
    for cls, ref in zip(EVENTS, refs, strict=True):
        body = components.pop(ref["$ref"].rsplit("/", 1)[1])
        bodies[definition(cls)] = {**body, "title": f"{cls.TYPE} v{cls.VERSION}"}
    every = [
        cls for _, versions in sorted(CATALOGUE.items()) for _, cls in sorted(versions.items())
    ]
    rules = [
        {
            "if": {
                "properties": {"type": {"const": cls.TYPE}, "v": {"const": cls.VERSION}},
                "required": ["type", "v"],
            },
            "then": {"properties": {"body": {"$ref": f"#/$defs/{definition(cls)}"}}},
        }
        for cls in every
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Commons Ledger journal event",
        "description": HASHING,
        **_document(sorted(CATALOGUE)),
        "allOf": rules,
        "$defs": dict(sorted(bodies.items())) | dict(sorted(components.items())),
    }


def schema_text() -> str:
    """The schema as committed: two-space indented JSON with a final newline."""
    return json.dumps(catalogue_schema(), indent=2, ensure_ascii=False) + "\n"
