from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.journal.canonical import canonical_json

scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@pytest.mark.slow  # 400 generated documents against the reference
@settings(max_examples=400)
@given(documents)
def test_canonical_json_is_byte_identical_to_the_rfc8785_reference(doc: Any) -> None:
    assert canonical_json(doc) == rfc8785.dumps(doc)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_serialised_as_ecmascript_numbers(value: float) -> None:
    assert canonical_json({"x": value}) == rfc8785.dumps({"x": value})


def test_keys_sort_by_utf16_code_units_outside_the_basic_plane() -> None:
    doc = {"\U0001f600": 1, "\uff61": 2}
    assert canonical_json(doc) == rfc8785.dumps(doc)
    assert canonical_json(doc).index(b"\xf0\x9f\x98\x80") < canonical_json(doc).index(
        b"\xef\xbd\xa1"
    )
