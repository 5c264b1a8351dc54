from __future__ import annotations

import pytest

from licenses.compat import compatibility, table
from licenses.compat_data import KNOWN, RULES


@pytest.mark.parametrize(
    ("inbound", "outbound", "status"),
    [
        ("Apache-2.0", "GPL-2.0-only", "incompatible"),
        ("Apache-2.0", "GPL-2.0-or-later", "compatible"),
        ("Apache-2.0", "GPL-3.0-only", "compatible"),
        ("Apache-2.0", "MIT", "incompatible"),
        ("MIT", "GPL-2.0-only", "compatible"),
        ("BSD-3-Clause", "Apache-2.0", "compatible"),
        ("BSD-2-Clause", "AGPL-3.0-or-later", "compatible"),
        ("GPL-2.0-only", "GPL-3.0-only", "incompatible"),
        ("GPL-2.0-or-later", "GPL-3.0-only", "compatible"),
        ("GPL-3.0-only", "GPL-2.0-only", "incompatible"),
        ("GPL-3.0-only", "AGPL-3.0-only", "compatible"),
        ("GPL-3.0-only", "MIT", "incompatible"),
        ("LGPL-2.1-only", "GPL-2.0-only", "compatible"),
        ("LGPL-3.0-only", "GPL-2.0-only", "incompatible"),
        ("LGPL-3.0-or-later", "GPL-2.0-or-later", "compatible"),
        ("MPL-2.0", "GPL-2.0-only", "compatible"),
        ("MPL-2.0", "MIT", "incompatible"),
        ("CC0-1.0", "GPL-2.0-only", "compatible"),
        ("MIT", "CC0-1.0", "incompatible"),
        ("CC-BY-4.0", "CC-BY-SA-4.0", "compatible"),
        ("CC-BY-SA-3.0", "CC-BY-SA-4.0", "compatible"),
        ("CC-BY-SA-4.0", "CC-BY-SA-3.0", "incompatible"),
        ("CC-BY-SA-4.0", "GPL-3.0-only", "compatible"),
        ("CC-BY-SA-4.0", "GPL-2.0-only", "unknown"),
        ("CC-BY-SA-3.0", "GPL-3.0-only", "incompatible"),
        ("CC-BY-SA-4.0", "CC-BY-4.0", "incompatible"),
        ("MIT", "CC-BY-SA-4.0", "unknown"),
        ("LicenseRef-Acme", "MIT", "unknown"),
    ],
)
def test_the_table_answers_common_pairs(inbound: str, outbound: str, status: str) -> None:
    assert compatibility(inbound, outbound).status == status


def test_apache_into_gpl2_or_later_goes_by_way_of_gpl3() -> None:
    verdict = compatibility("Apache-2.0", "GPL-2.0-or-later")
    assert verdict.reason == (
        "Apache-2.0 is compatible with version 3 of the GNU licenses "
        "(by way of GPL-3.0-only, which GPL-2.0-or-later allows)"
    )
    assert verdict.sources == (
        "https://www.apache.org/licenses/GPL-compatibility.html",
        "https://www.gnu.org/licenses/license-list.html#apache2",
    )


def test_an_inbound_choice_is_compatible_when_any_option_is() -> None:
    assert compatibility("GPL-3.0-only OR MIT", "Apache-2.0").status == "compatible"
    assert compatibility("GPL-3.0-only OR LicenseRef-x", "Apache-2.0").status == "unknown"


def test_inbound_parts_joined_by_and_must_all_be_compatible() -> None:
    assert compatibility("MIT AND GPL-3.0-only", "Apache-2.0").status == "incompatible"
    assert compatibility("MIT AND BSD-2-Clause", "GPL-2.0-only").status == "compatible"


def test_every_license_a_dual_licensed_project_offers_must_accept_the_work() -> None:
    verdict = compatibility("GPL-3.0-only", "MIT OR Apache-2.0")
    assert (verdict.status, verdict.reason) == (
        "incompatible",
        "GPL-3.0-only is a copyleft license: the combined work must stay under GPL-3.0-only, "
        "so it cannot be offered under MIT",
    )


def test_an_exception_is_judged_on_its_base_license() -> None:
    verdict = compatibility("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only")
    assert verdict.status == "compatible"


def test_every_rule_cites_a_source_and_names_only_known_licenses() -> None:
    for rule in RULES:
        assert rule.sources
        assert all(s.startswith("https://") for s in rule.sources)
        assert set(rule.inbound) <= set(KNOWN)
        assert set(rule.outbound) <= set(KNOWN)
    assert len(table()) > 150
