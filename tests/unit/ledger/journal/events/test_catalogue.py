"""The catalogue names each event type once, reads bodies strictly and writes them
exactly: absent keys stay absent, None stays None, integers stay integers."""

from __future__ import annotations

import re

import msgspec
import pytest

from ledger.journal import events
from ledger.journal.canonical import canonical_json
from ledger.journal.events import (
    MalformedEvent,
    UnknownEventType,
    UnknownEventVersion,
    decode,
    encode,
)
from ledger.journal.events.base import Event, or_none, or_unset
from ledger.journal.events.governance import BallotCast, ProposalClosed, SheetRow
from ledger.journal.events.intake import ContributorsUnmerged, ContributorsUnmergedV1
from ledger.journal.events.register import KindDefined, ProjectSettingsChanged
from ledger.journal.events.treasury import Entry, TransactionPosted

POSTED = {
    "transaction": 7,
    "kind": "receipt",
    "occurred_on": "2026-03-02",
    "recorded_at": "2026-03-02T10:00:00.000000Z",
    "entries": [
        {
            "line": 1,
            "account": 3,
            "kind": "income",
            "name": "2",
            "currency": "EUR",
            "minor": "-500",
        },
        {
            "line": 2,
            "account": 4,
            "kind": "treasury",
            "name": "main",
            "currency": "EUR",
            "minor": "500",
        },
    ],
    "sponsor": 2,
}


def test_every_type_and_version_is_defined_once_with_a_dotted_name() -> None:
    versions = [(cls.TYPE, cls.VERSION) for cls in events.EVENTS]
    assert len(versions) == len(set(versions)) == 45
    assert len(events.TYPES) == 44
    assert all(re.fullmatch(r"[a-z_]+\.[a-z_]+", name) for name in events.TYPES)
    newest = {name: max(by_version) for name, by_version in events.CATALOGUE.items()}
    assert {name: v for name, v in newest.items() if v != 1} == {"contributors.unmerged": 2}
    assert all(events.event_class(name) is events.CATALOGUE[name][v] for name, v in newest.items())
    assert all(events.event_class(cls.TYPE, cls.VERSION) is cls for cls in events.EVENTS)


def test_an_older_version_still_decodes_as_its_own_type_beside_the_newest() -> None:
    old = {"merge_id": 3, "source": 5, "target": 4, "contributions": 2}
    first = decode("contributors.unmerged", old, version=1)
    assert isinstance(first, ContributorsUnmergedV1)
    assert encode(first) == old
    assert decode("contributors.unmerged", old) == ContributorsUnmerged(
        merge_id=3, source=5, target=4, contributions=2
    )
    listed = {**old, "contribution_ids": [8, 9]}
    newest = decode("contributors.unmerged", listed)
    assert isinstance(newest, ContributorsUnmerged)
    assert (newest.contribution_ids, encode(newest)) == ((8, 9), listed)
    with pytest.raises(MalformedEvent, match="unknown field `contribution_ids`"):
        decode("contributors.unmerged", listed, version=1)


def test_events_are_frozen() -> None:
    event = KindDefined(kind="poetry", description="")
    with pytest.raises(AttributeError):
        event.kind = "prose"  # type: ignore[misc]


def test_a_body_decodes_to_its_type_and_encodes_back_to_the_same_bytes() -> None:
    event = decode("treasury.transaction_posted", POSTED)
    assert isinstance(event, TransactionPosted)
    assert event.entries[1] == Entry(
        line=2, account=4, kind="treasury", name="main", currency="EUR", minor="500"
    )
    assert (event.sponsor, event.memo) == (2, msgspec.UNSET)
    assert encode(event) == POSTED
    assert canonical_json(encode(event)) == canonical_json(POSTED)


def test_a_key_left_out_stays_out_and_none_stays_none() -> None:
    hidden = BallotCast(proposal_id=3, voter=5, revision=2)
    assert encode(hidden) == {"proposal_id": 3, "voter": 5, "revision": 2}
    row = SheetRow(ballot={"choice": None}, voter=5, cast_by=5)
    closed = ProposalClosed(
        proposal_id=3,
        closed_at="2026-03-02T10:00:00.000000Z",
        turnout=1,
        sheet_hash="0" * 64,
        sheet=(row,),
    )
    assert encode(closed)["sheet"] == [{"ballot": {"choice": None}, "voter": 5, "cast_by": 5}]
    assert "voters" not in encode(closed)


def test_an_unknown_type_or_version_is_refused_by_name() -> None:
    with pytest.raises(UnknownEventType, match=re.escape("'note.added'")):
        decode("note.added", {})
    with pytest.raises(
        UnknownEventVersion, match=re.escape("'kind.defined' has no version 2 (has 1)")
    ):
        decode("kind.defined", {"kind": "x", "description": ""}, version=2)
    with pytest.raises(UnknownEventType, match="not in the catalogue"):
        decode(Stray, {})
    with pytest.raises(UnknownEventType):
        decode(["kind.defined"], {})  # type: ignore[call-overload]


class Stray(Event, frozen=True, kw_only=True):
    TYPE = "kind.defined"
    VERSION = 1
    kind: str


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({**POSTED, "extra": 1}, "unknown field `extra`"),
        ({k: v for k, v in POSTED.items() if k != "kind"}, "missing required field `kind`"),
        ({**POSTED, "transaction": "7"}, "Expected `int`, got `str` - at `$.transaction`"),
        ({**POSTED, "transaction": True}, "Expected `int`, got `bool` - at `$.transaction`"),
        ({**POSTED, "occurred_on": "2 March"}, "at `$.occurred_on`"),
        ({**POSTED, "entries": [{"line": 1}]}, "at `$.entries[0]`"),
        ("not an object", "Expected `object`, got `str`"),
    ],
)
def test_a_body_without_its_type_s_shape_is_refused_with_where(body: object, reason: str) -> None:
    with pytest.raises(MalformedEvent, match=re.escape(reason)) as refused:
        decode("treasury.transaction_posted", body)
    assert (refused.value.name, refused.value.version) == ("treasury.transaction_posted", 1)
    assert isinstance(refused.value, ValueError)


def test_a_settings_change_names_exactly_one_known_setting() -> None:
    one = decode(ProjectSettingsChanged, {"governance_delegation": True})
    assert encode(one) == {"governance_delegation": True}
    for body in ({}, {"governance_delegation": True, "governance_secret_ballots": False}):
        with pytest.raises(MalformedEvent, match="exactly one setting"):
            decode(ProjectSettingsChanged, body)
    with pytest.raises(MalformedEvent, match="unknown field `colour`"):
        decode(ProjectSettingsChanged, {"colour": "red"})


def test_none_and_unset_convert_both_ways() -> None:
    assert (or_unset(None), or_unset(0), or_unset("")) == (msgspec.UNSET, 0, "")
    assert (or_none(msgspec.UNSET), or_none(0)) == (None, 0)
