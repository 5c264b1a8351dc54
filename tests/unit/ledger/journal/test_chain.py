from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from ledger.journal.canonical import GENESIS_HASH, canonical_json, sha256
from ledger.journal.chain import JournalEvent, chain_hash, check_chain, event_document, leaf_hash

AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def chain(n: int) -> list[JournalEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        body = {"n": seq}
        digest = chain_hash(prev, event_document(1, seq, "test", 1, body, "alice", AT))
        events.append(JournalEvent(1, seq, "test", 1, body, "alice", AT, prev, digest))
        prev = digest
    return events


def test_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_event() -> None:
    doc = event_document(1, 1, "project.created", 1, {"b": 1, "a": "x"}, "admin", AT)
    expected = sha256(
        GENESIS_HASH
        + b'{"actor":"admin","body":{"a":"x","b":1},"project_id":1,'
        + b'"recorded_at":"2026-07-01T12:00:00.000000Z","seq":1,"type":"project.created","v":1}'
    )
    assert chain_hash(GENESIS_HASH, doc) == expected


def test_leaf_hashes_follow_rfc_6962() -> None:
    doc = event_document(1, 1, "t", 1, {}, "a", AT)
    assert leaf_hash(doc) == sha256(b"\x00" + canonical_json(doc))


def test_an_intact_chain_verifies_against_its_head() -> None:
    events = chain(5)
    check = check_chain(events, (5, events[-1].hash))
    assert check.ok
    assert check.checked == 5
    assert check.head_hash == events[-1].hash


def test_an_edited_body_is_reported_at_its_index() -> None:
    events = chain(5)
    events[2] = replace(events[2], body={"n": 99})
    check = check_chain(events, (5, events[-1].hash))
    assert (check.broken_seq, check.reason) == (3, "hash does not match the event's content")


def test_a_deleted_event_is_reported_at_the_missing_index() -> None:
    events = chain(5)
    del events[1]
    assert check_chain(events, (5, events[-1].hash)).broken_seq == 2


def test_reordered_events_are_reported_at_the_first_displaced_index() -> None:
    events = chain(5)
    events[1], events[2] = events[2], events[1]
    assert check_chain(events).broken_seq == 2


def test_a_missing_last_event_is_caught_by_the_head() -> None:
    events = chain(5)
    check = check_chain(events[:4], (5, events[-1].hash))
    assert (check.broken_seq, check.reason) == (5, "event missing before the head")


def test_a_rewritten_last_event_is_caught_by_the_head() -> None:
    events = chain(3)
    forged_doc = event_document(1, 3, "test", 1, {"n": "forged"}, "alice", AT)
    forged = replace(events[2], body={"n": "forged"}, hash=chain_hash(events[1].hash, forged_doc))
    check = check_chain([*events[:2], forged], (3, events[2].hash))
    assert (check.broken_seq, check.reason) == (3, "last event differs from the head")


def test_an_empty_chain_verifies() -> None:
    assert check_chain([], (0, GENESIS_HASH)).ok
