from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from licenses.compat import compatibility
from licenses.compat_data import KNOWN, LATER_VERSIONS
from licenses.spdx import normalize

IDS = st.sampled_from([*KNOWN, *LATER_VERSIONS, "LicenseRef-Acme", "Zlib"])


def expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        IDS,
        lambda inner: st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        max_leaves=5,
    )


@settings(max_examples=150, deadline=None)
@given(expressions())
def test_normalising_twice_changes_nothing(expression: str) -> None:
    once = normalize(expression)
    assert normalize(once) == once


@settings(max_examples=150, deadline=None)
@given(expressions(), expressions(), IDS)
def test_offering_another_option_never_makes_work_less_usable(
    first: str, second: str, outbound: str
) -> None:
    rank = {"incompatible": 0, "unknown": 1, "compatible": 2}
    alone = compatibility(first, outbound).status
    either = compatibility(f"({first}) OR ({second})", outbound).status
    both = compatibility(f"({first}) AND ({second})", outbound).status
    assert rank[either] >= rank[alone] >= rank[both]
