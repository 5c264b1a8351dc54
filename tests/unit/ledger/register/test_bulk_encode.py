from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.journal.canonical import GENESIS_HASH, timestamp
from ledger.journal.chain import chain_hash, event_document
from ledger.journal.events import encode
from ledger.journal.events.register import ContributionRecorded
from ledger.kernel.errors import InvalidInput, NotFound
from ledger.register.bulk import binary
from ledger.register.bulk.encode import Cursor, Terms, encode_chunk, instants
from ledger.register.credit import CreditPolicy
from ledger.register.models import NewContribution

T0 = datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)
POLICY = CreditPolicy(
    7, 3, {"code": Decimal("2.5"), "doc": Decimal("0.125")}, Decimal(1), "", "m", T0
)
TERMS = Terms(7, "import:git \\ one", T0, POLICY, frozenset({"fooBar"}))


def copy_rows(data: bytes) -> list[list[bytes | None]]:
    """Read a binary COPY stream back into its fields (as the server reads it)."""
    assert data.startswith(binary.HEADER)
    assert data.endswith(binary.TRAILER)
    rows, at = [], len(binary.HEADER)
    while at < len(data) - len(binary.TRAILER):
        (count,) = struct.unpack_from(">h", data, at)
        at += 2
        fields: list[bytes | None] = []
        for _ in range(count):
            (size,) = struct.unpack_from(">i", data, at)
            at += 4
            fields.append(None if size < 0 else data[at : at + size])
            at += max(size, 0)
        rows.append(fields)
    return rows


def integer(field: bytes | None) -> int:
    assert field is not None
    return int.from_bytes(field, "big", signed=True)


def instant(field: bytes | None) -> datetime:
    return datetime(2000, 1, 1, tzinfo=UTC) + timedelta(microseconds=integer(field))


keys = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
).filter(str.isprintable)
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)
items = st.builds(
    NewContribution,
    contributor_id=st.sampled_from([11, 12, 13]),
    kind=st.sampled_from(["code", "doc", "bug", "fooBar"]),
    occurred_at=st.builds(
        lambda s, us, tz: (T0 - timedelta(seconds=s, microseconds=us)).astimezone(tz),
        st.integers(0, 10**9),
        st.sampled_from([0, 1, 999_999, 5]),
        zones,
    ),
    source=st.sampled_from(["git", "github", "a.b_c-d"]),
    natural_key=keys,
    evidence_url=st.none() | st.sampled_from(["https://x.test/a\\b", "http://h/\tp?q=\n"]),
    metadata=st.sampled_from([{}, {"n": 1}, {"path": "a\\b\tc", "ü": [True, None]}]),
)


@settings(max_examples=150)
@given(st.lists(items, min_size=1, max_size=12, unique_by=lambda i: i.natural_key))
def test_every_event_is_the_one_recording_it_alone_would_journal(
    batch: list[NewContribution],
) -> None:
    bots = {11: False, 12: True, 13: False}
    ids = [1000 + i for i in range(len(batch))]
    cursor = Cursor(41, bytes(range(32)))
    chunk = encode_chunk(TERMS, cursor, batch, ids, bots)
    prev = bytes(range(32))
    events = copy_rows(chunk.events)
    rows = copy_rows(chunk.contributions)
    for n, (item, id_, row, event) in enumerate(zip(batch, ids, rows, events, strict=True)):
        counted = not bots[item.contributor_id]
        credit = (
            POLICY.weight(item.kind).quantize(Decimal("0.0001")) if counted else Decimal("0.0000")
        )
        expected = ContributionRecorded(
            contribution_id=id_,
            contributor_id=item.contributor_id,
            kind=item.kind,
            occurred_at=timestamp(item.occurred_at),
            source=item.source,
            natural_key=item.natural_key,
            evidence_url=item.evidence_url,
            credit=str(credit),
            policy_version=3,
            counted=counted,
        )
        body = encode(expected)
        document = event_document(7, 42 + n, expected.TYPE, expected.VERSION, body, TERMS.actor, T0)
        digest = chain_hash(prev, document)
        assert [integer(event[0]), integer(event[1]), event[2], event[4], instant(event[5]),
                event[6], event[7], integer(event[8])] == [
            7, 42 + n, expected.TYPE.encode(), TERMS.actor.encode(), T0, prev, digest, 1,
        ]  # fmt: skip
        assert event[3] is not None
        assert event[3][:1] == b"\x01"
        assert orjson.loads(event[3][1:]) == body
        assert [integer(row[0]), integer(row[1]), integer(row[2]), row[3], instant(row[4]),
                row[5], row[6], row[7], row[9], integer(row[10]), row[11], instant(row[12])] == [
            7, id_, item.contributor_id, item.kind.encode(), item.occurred_at,
            item.source.encode(), item.natural_key.encode(),
            None if item.evidence_url is None else item.evidence_url.encode(),
            binary.numeric(credit)[4:], 3, b"\x01" if counted else b"\x00", T0,
        ]  # fmt: skip
        assert row[8] is not None
        assert orjson.loads(row[8][1:]) == item.metadata
        prev = digest
    assert (cursor.seq, cursor.hash) == (41 + len(batch), prev)
    assert (chunk.start, chunk.end) == (Cursor(41, bytes(range(32))), Cursor(cursor.seq, prev))
    assert chunk.bots == {p: bots[p] for p in {i.contributor_id for i in batch}}


def test_the_tally_counts_what_is_counted_in_utc_months() -> None:
    late = datetime(2024, 3, 31, 23, 30, tzinfo=UTC).astimezone(timezone(timedelta(hours=2)))
    batch = [
        NewContribution(11, "code", late, "git", "a"),
        NewContribution(11, "doc", T0, "git", "b"),
        NewContribution(12, "code", T0, "git", "c"),
    ]
    chunk = encode_chunk(TERMS, Cursor(0, GENESIS_HASH), batch, [1, 2, 3], {11: False, 12: True})
    assert dict(chunk.tally.cells) == {(11, 2024, 3, "code"): 1, (11, 2024, 2, "doc"): 1}
    assert chunk.tally.weights == {"code": Decimal("2.5000"), "doc": Decimal("0.1250")}
    assert chunk.tally.spans == {11: [T0, late]}


def test_whole_seconds_and_other_zones_take_the_one_timestamp_form() -> None:
    values = [T0, T0.replace(microsecond=7), datetime(1999, 1, 1, tzinfo=UTC)]
    assert instants(values) == [timestamp(v).encode() for v in values]
    assert instants([]) == []


@pytest.mark.parametrize(
    ("item", "error"),
    [
        (NewContribution(11, "nope", T0, "git", "k"), InvalidInput),
        (NewContribution(11, "code", T0, "Bad Source", "k"), InvalidInput),
        (NewContribution(11, "code", T0, "git", "line\nbreak"), InvalidInput),
        (NewContribution(11, "code", T0.replace(tzinfo=None), "git", "k"), InvalidInput),
        (NewContribution(11, "code", T0, "git", "k", "ftp://x"), InvalidInput),
        (NewContribution(99, "code", T0, "git", "k"), NotFound),
        (NewContribution(11, "code", T0, "git", "k", None, {"big": 2**70}), InvalidInput),
    ],
)
def test_a_bad_item_is_refused_before_anything_is_hashed(
    item: NewContribution, error: type
) -> None:
    cursor = Cursor(5, GENESIS_HASH)
    with pytest.raises(error):
        encode_chunk(TERMS, cursor, [item], [1], {11: False})
    assert cursor == Cursor(5, GENESIS_HASH)


def test_numbers_past_exact_json_integers_are_refused() -> None:
    with pytest.raises(InvalidInput, match="2\\*\\*53"):
        encode_chunk(TERMS, Cursor(0, GENESIS_HASH), [NewContribution(11, "code", T0, "git", "k")],
                     [2**53], {11: False})  # fmt: skip
