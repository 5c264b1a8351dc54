"""Every verdict on a pair the OSADL matrix names is OSADL's, or a documented project
rule's with OSADL's opinion kept beside it."""

from __future__ import annotations

from collections import Counter

from licenses.compat import compatibility, matrix
from licenses.compat.exceptions import NOT_GRANTED_RULE
from licenses.compat.rules import table
from licenses.spdx import check

MATRIX = matrix()
# Ids the SPDX list spells the same (bzip2-1.0.5 is deprecated: read as bzip2-1.0.6).
NAMES = [n for n in MATRIX.licenses if check(n).expression == n]


def test_every_osadl_pair_is_osadl_s_answer_or_a_rule_s_with_osadl_s_beside_it() -> None:
    for outbound in NAMES:
        for inbound in NAMES:
            verdict = compatibility(inbound, outbound)
            osadl = MATRIX.opinion(inbound, outbound)
            assert osadl is not None
            (finding,) = verdict.findings
            if finding.decided_by == "osadl":
                assert (verdict.status, verdict.reason) == (osadl.status, osadl.reason)
                continue
            assert finding.decided_by == "project", (inbound, outbound)
            assert finding.opinions == (osadl,)
            if inbound == outbound:
                assert finding.rule == "same-license"
            elif finding.rule == NOT_GRANTED_RULE:
                assert " WITH " in outbound
            else:
                assert table()[(inbound, outbound)].name == finding.rule


def test_the_disagreements_with_osadl_are_the_documented_ones() -> None:
    disagreements: Counter[tuple[str | None, str, str]] = Counter()
    for outbound in NAMES:
        for inbound in NAMES:
            verdict = compatibility(inbound, outbound)
            (finding,) = verdict.findings
            osadl = MATRIX.opinion(inbound, outbound)
            assert osadl is not None
            if osadl.status != verdict.status:
                assert verdict.disputed
                disagreements[(finding.rule, osadl.verdict, verdict.status)] += 1
    assert disagreements == {
        ("apache-notice", "Yes", "incompatible"): 6,
        (NOT_GRANTED_RULE, "Check dependency", "incompatible"): 7,
        ("lgpl21-to-gpl", "Check dependency", "compatible"): 2,
        ("gpl3-agpl3", "Check dependency", "compatible"): 1,
        ("agpl3-gpl3", "Check dependency", "compatible"): 1,
        ("lgpl3-to-gpl3", "Check dependency", "compatible"): 1,
        ("gnu-v3-into-v2", "Check dependency", "incompatible"): 1,
        ("gpl-into-lgpl", "Check dependency", "incompatible"): 1,
    }


def test_every_id_in_the_matrix_has_a_verdict_against_every_other() -> None:
    assert len(MATRIX.licenses) == 115
    undecided = [
        (inbound, outbound)
        for outbound in MATRIX.licenses
        for inbound in MATRIX.licenses
        if compatibility(inbound, outbound).decided_by == ("none",)
    ]
    assert undecided == []
