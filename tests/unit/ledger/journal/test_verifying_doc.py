"""The worked example of ``docs/verifying.md`` is what the service computes: its
documents decode by the catalogue, and their canonical bytes, chain hashes, leaf
hashes and root are recomputed here with the journal's own code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ledger.journal import merkle
from ledger.journal.canonical import GENESIS_HASH, canonical_json
from ledger.journal.chain import chain_hash, leaf_hash
from ledger.journal.events import decode

DOC = Path(__file__).resolve().parents[4] / "docs" / "verifying.md"


def _block(tag: str) -> str:
    found = re.search(rf"```{tag}\n(.*?)\n```", DOC.read_text(), re.DOTALL)
    assert found, f"no ```{tag} block in {DOC}"
    return found.group(1)


def _numbers() -> dict[str, str]:
    numbers = {}
    for line in _block("text numbers").splitlines():
        name, _, value = line.partition(" = ")
        numbers[name] = value.rpartition(" = ")[2]
    return numbers


def test_the_worked_example_is_what_the_journal_computes() -> None:
    first = json.loads(_block("json event-1"))
    second = json.loads(_block("json event-2"))
    for document in (first, second):
        decode(document["type"], document["body"], document["v"])
    assert canonical_json(first).decode() == _block("text canonical-1")
    assert canonical_json(second).decode() == _block("text canonical-2")
    hash_1 = chain_hash(GENESIS_HASH, first)
    hash_2 = chain_hash(hash_1, second)
    leaves = [leaf_hash(first), leaf_hash(second)]
    assert _numbers() == {
        "canonical-1 length": str(len(canonical_json(first))),
        "canonical-2 length": str(len(canonical_json(second))),
        "hash 1": hash_1.hex(),
        "hash 2": hash_2.hex(),
        "leaf 1": leaves[0].hex(),
        "leaf 2": leaves[1].hex(),
        "root 2": merkle.root(leaves).hex(),
    }
    assert f"({len(canonical_json(first))} bytes;" in DOC.read_text()


def test_the_document_names_every_published_endpoint_and_schema() -> None:
    text = DOC.read_text()
    for path in (
        "/.well-known/jwks.json",
        "/projects/{slug}/journal.jsonl",
        "/projects/{slug}/checkpoint",
        "/projects/{slug}/checkpoint/vkey",
        "/schemas/journal-events/v2.json",
        "/schemas/commons-report/v1.json",
    ):
        assert f"`{path}" in text, path
