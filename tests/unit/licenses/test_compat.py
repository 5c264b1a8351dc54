from __future__ import annotations

import pytest

from licenses.compat import compatibility
from licenses.compat.osadl import REFERENCE
from licenses.compat.rules import RULES


@pytest.mark.parametrize(
    "inbound", ["Apache-2.0", "GPL-3.0-only", "LGPL-3.0-only", "GPL-2.0-only", "GPL-3.0-or-later"]
)
def test_code_that_breaks_an_or_later_promise_is_incompatible(inbound: str) -> None:
    verdict = compatibility(inbound, "GPL-2.0-or-later")
    assert (verdict.status, verdict.decided_by) == ("incompatible", ("osadl",))


def test_an_or_later_promise_and_the_choice_it_spells_agree_on_apache() -> None:
    spelled = compatibility("Apache-2.0", "GPL-2.0-only OR GPL-3.0-only")
    assert spelled.status == compatibility("Apache-2.0", "GPL-2.0-or-later").status
    assert spelled.status == "incompatible"


def test_gpl3_only_code_cannot_follow_a_project_into_later_versions() -> None:
    assert compatibility("GPL-3.0-only", "GPL-3.0-or-later").status == "incompatible"
    assert compatibility("GPL-3.0-or-later", "GPL-3.0-or-later").status == "compatible"


def test_every_version_an_or_later_outbound_offers_must_accept_the_work() -> None:
    verdict = compatibility("CC-BY-SA-4.0", "GPL-2.0-or-later")
    assert verdict.status == "incompatible"
    assert verdict.reason == (
        "GPL-2.0-or-later offers GPL-2.0-only: Creative Commons declared CC BY-SA 4.0 "
        "compatible with GPL-3.0 only (one way); GPL-2.0-only is not on its list of "
        "compatible licenses"
    )
    assert [(f.inbound, f.outbound, f.rule) for f in verdict.findings] == [
        ("CC-BY-SA-4.0", "GPL-2.0-only", "cc-by-sa4-gnu")
    ]


def test_versions_still_to_be_published_are_part_of_the_promise() -> None:
    verdict = compatibility("CC-BY-SA-4.0", "GPL-3.0-or-later")
    assert verdict.status == "unknown"
    assert verdict.reason.endswith(
        "GPL-3.0-or-later also offers versions still to be published, and CC-BY-SA-4.0 is "
        "not known to follow"
    )
    assert compatibility("CC0-1.0", "GPL-3.0-or-later").status == "compatible"


def test_a_plus_reaches_every_published_later_version() -> None:
    verdict = compatibility("MIT", "MPL-1.1+")
    assert verdict.status == "compatible"
    assert [f.outbound for f in verdict.findings] == ["MPL-1.1", "MPL-2.0"]


def test_a_project_cannot_extend_an_exception_the_authors_never_granted() -> None:
    verdict = compatibility("GPL-2.0-only", "GPL-2.0-only WITH Classpath-exception-2.0")
    assert verdict.status == "incompatible"
    (finding,) = verdict.findings
    assert (finding.decided_by, finding.rule) == ("project", "exception-not-granted")
    assert "https://www.gnu.org/licenses/gpl-3.0.html#section7" in finding.references
    assert [(o.source, o.verdict) for o in finding.opinions] == [("osadl", "Check dependency")]
    assert verdict.disputed


def test_code_that_carries_the_exception_or_no_copyleft_may_join_it() -> None:
    outbound = "GPL-2.0-only WITH Classpath-exception-2.0"
    assert compatibility(outbound, outbound).status == "compatible"
    assert compatibility("GPL-2.0-or-later WITH Classpath-exception-2.0", outbound).status == (
        "compatible"
    )
    assert compatibility("MIT", outbound).status == "compatible"
    assert compatibility("MIT", "GPL-3.0-or-later WITH Bison-exception-2.2").status == (
        "compatible"
    )
    assert compatibility("GPL-3.0-only", "GPL-3.0-only WITH GCC-exception-3.1").status == (
        "incompatible"
    )


def test_the_llvm_exception_lets_apache_code_into_gpl2_projects() -> None:
    verdict = compatibility("Apache-2.0 WITH LLVM-exception", "GPL-2.0-only")
    assert (verdict.status, verdict.findings[0].rule) == ("compatible", "exception-widens")
    assert "https://llvm.org/LICENSE.txt" in verdict.sources
    assert compatibility("Apache-2.0 WITH LLVM-exception", "GPL-2.0-or-later").status == (
        "compatible"
    )
    assert compatibility("Apache-2.0", "GPL-2.0-only").status == "incompatible"


def test_a_linking_exception_does_not_let_code_in_under_another_license() -> None:
    verdict = compatibility("GPL-2.0-only WITH GCC-exception-2.0", "MIT")
    assert verdict.status == "incompatible"
    assert verdict.reason.startswith(
        "GCC-exception-2.0 permits linking, not inclusion under another license: "
    )


def test_an_exception_nothing_is_known_about_leaves_the_answer_open() -> None:
    verdict = compatibility("GPL-2.0-only WITH AdditionRef-Acme", "MIT")
    assert verdict.status == "unknown"
    assert verdict.decided_by == ("none",)


def test_where_the_sources_disagree_both_answers_are_shown() -> None:
    verdict = compatibility("Apache-2.0", "MIT")
    assert (verdict.status, verdict.decided_by, verdict.disputed) == (
        "incompatible",
        ("project",),
        True,
    )
    (finding,) = verdict.findings
    assert finding.rule == "apache-notice"
    (osadl,) = finding.opinions
    assert (osadl.source, osadl.status, osadl.verdict, osadl.references) == (
        "osadl",
        "compatible",
        "Yes",
        (REFERENCE,),
    )


def test_a_rule_that_agrees_with_osadl_shows_the_agreement() -> None:
    verdict = compatibility("Apache-2.0", "GPL-2.0-only")
    assert (verdict.decided_by, verdict.disputed) == (("project",), False)
    assert [o.verdict for o in verdict.findings[0].opinions] == ["No"]


@pytest.mark.parametrize(
    "inbound",
    [
        "Zlib",
        "BSD-4-Clause",
        "Artistic-1.0-Perl",
        "LGPL-2.0-or-later",
        "EPL-1.0",
        "EPL-2.0",
        "CDDL-1.0",
        "OpenSSL",
        "BSL-1.0",
        "Unlicense",
        "EUPL-1.2",
        "CC-BY-SA-4.0",
    ],
)
def test_common_ids_have_a_verdict_from_data(inbound: str) -> None:
    assert compatibility(inbound, "GPL-2.0-only").decided_by != ("none",)


@pytest.mark.parametrize(
    ("inbound", "outbound", "status"),
    [
        ("MIT", "GPL-2.0-only", "compatible"),
        ("BSD-3-Clause", "Apache-2.0", "compatible"),
        ("GPL-2.0-only", "GPL-3.0-only", "incompatible"),
        ("GPL-2.0-or-later", "GPL-3.0-only", "compatible"),
        ("MPL-2.0", "MIT", "incompatible"),
        ("CC0-1.0", "GPL-2.0-only", "compatible"),
        ("MIT", "CC0-1.0", "incompatible"),
        ("CC-BY-SA-3.0", "CC-BY-SA-4.0", "compatible"),
        ("CC-BY-SA-4.0", "CC-BY-SA-3.0", "incompatible"),
        ("CC-BY-SA-4.0", "GPL-3.0-only", "compatible"),
        ("MIT", "CC-BY-SA-4.0", "unknown"),
        ("LicenseRef-Acme", "MIT", "unknown"),
        ("GPL-2.0", "GPL-2.0-only", "compatible"),
    ],
)
def test_common_pairs(inbound: str, outbound: str, status: str) -> None:
    assert compatibility(inbound, outbound).status == status


def test_an_inbound_choice_is_compatible_when_any_option_is() -> None:
    assert compatibility("GPL-3.0-only OR MIT", "Apache-2.0").status == "compatible"
    assert compatibility("GPL-3.0-only OR LicenseRef-x", "Apache-2.0").status == "unknown"


def test_inbound_parts_joined_by_and_must_all_be_compatible() -> None:
    assert compatibility("MIT AND GPL-3.0-only", "Apache-2.0").status == "incompatible"
    assert compatibility("MIT AND BSD-2-Clause", "GPL-2.0-only").status == "compatible"


def test_every_license_a_dual_licensed_project_offers_must_accept_the_work() -> None:
    verdict = compatibility("GPL-3.0-only", "MIT OR Apache-2.0")
    assert verdict.status == "incompatible"
    assert [f.outbound for f in verdict.findings] == ["MIT", "Apache-2.0"]


def test_none_declares_that_no_license_lets_the_work_in() -> None:
    assert compatibility("NONE", "MIT").status == "incompatible"
    assert compatibility("NOASSERTION", "MIT").status == "unknown"
    assert compatibility("MIT", "NOASSERTION").status == "unknown"


def test_every_rule_cites_a_steward_or_authority() -> None:
    stewards = (
        "https://www.gnu.org/",
        "https://opensource.org/",
        "https://www.apache.org/",
        "https://www.mozilla.org/",
        "https://creativecommons.org/",
    )
    for rule in RULES:
        assert rule.sources, rule.name
        assert all(s.startswith(stewards) for s in rule.sources), rule.name
    assert len({r.name for r in RULES}) == len(RULES)
