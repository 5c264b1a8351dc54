from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from licenses.compat import compatibility, matrix
from licenses.compat.rules import KNOWN

IDS = st.sampled_from(
    sorted({*KNOWN, *matrix().licenses[:40], "LicenseRef-Acme", "MPL-1.1+"} - {"bzip2-1.0.5"})
)
RANK = {"incompatible": 0, "unknown": 1, "compatible": 2}


def expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        IDS.map(lambda i: f"({i})" if " " in i else i),
        lambda inner: st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        max_leaves=5,
    )


@settings(max_examples=150, deadline=None)
@given(expressions(), expressions(), IDS)
def test_offering_another_option_never_makes_work_less_usable(
    first: str, second: str, outbound: str
) -> None:
    alone = compatibility(first, outbound).status
    either = compatibility(f"({first}) OR ({second})", outbound).status
    both = compatibility(f"({first}) AND ({second})", outbound).status
    assert RANK[either] >= RANK[alone] >= RANK[both]


@settings(max_examples=150, deadline=None)
@given(expressions(), IDS, IDS)
def test_promising_another_choice_never_lets_more_work_in(
    inbound: str, outbound: str, other: str
) -> None:
    one = compatibility(inbound, outbound).status
    two = compatibility(inbound, f"{outbound} OR {other}").status
    assert RANK[two] <= RANK[one]


@settings(max_examples=100, deadline=None)
@given(expressions(), IDS)
def test_every_verdict_says_who_decided_and_cites_what_decided(inbound: str, outbound: str) -> None:
    verdict = compatibility(inbound, outbound)
    assert verdict.findings
    for finding in verdict.findings:
        assert finding.decided_by in ("osadl", "project", "none")
        assert (finding.decided_by == "osadl") <= bool(finding.references)
