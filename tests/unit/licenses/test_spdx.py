from __future__ import annotations

import pytest

from ledger.kernel.errors import InvalidInput
from licenses.spdx import license_keys, license_refs, normalize


@pytest.mark.parametrize(
    ("expression", "normal"),
    [
        ("mit", "MIT"),
        ("apache-2.0 or mit", "Apache-2.0 OR MIT"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("GPL-2.0", "GPL-2.0-only"),
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause"),
        (
            "gpl-2.0-only with classpath-exception-2.0",
            "GPL-2.0-only WITH Classpath-exception-2.0",
        ),
        ("LicenseRef-Acme-1.0 AND MIT", "LicenseRef-Acme-1.0 AND MIT"),
        (
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
        ),
        ("MIT+", "MIT+"),
    ],
)
def test_valid_expressions_normalise_to_spdx_ids(expression: str, normal: str) -> None:
    assert normalize(expression) == normal


def test_a_license_ref_that_the_index_aliases_stays_what_the_project_declared() -> None:
    assert normalize("LicenseRef-MIT-Bootstrap") == "LicenseRef-MIT-Bootstrap"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "license expression is empty"),
        ("MIT AND (", "invalid license expression: incomplete or unbalanced at position 8"),
        ("MIT ) ", "invalid license expression: Unbalanced parenthesis (token ')' at position 4)"),
        (
            "Foo-License OR MIT",
            "unknown license 'Foo-License' at position 0: not an SPDX id, LicenseRef- or DocumentRef-",
        ),
        (
            "MIT OR Foo",
            "unknown license 'Foo' at position 7: not an SPDX id, LicenseRef- or DocumentRef-",
        ),
        (
            "MIT WITH GPL-2.0",
            "invalid license expression: A plain license symbol cannot be used as an exception "
            "in a \"WITH symbol\" statement (token 'GPL-2.0' at position 9)",
        ),
        ("LicenseRef-x+", "'+' applies to SPDX license ids, not to 'LicenseRef-x' (position 0)"),
        ("mit/x11", "invalid character '/' at position 3"),
        (
            "MIT OR",
            "invalid license expression: OR requires two or more licenses as in: MIT OR BSD "
            "(at position 6)",
        ),
    ],
)
def test_invalid_expressions_say_what_and_where(expression: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        normalize(expression)
    assert (raised.value.message, raised.value.field) == (message, "licenseExpression")


def test_license_refs_are_the_project_local_references_only() -> None:
    assert license_refs("LicenseRef-A OR DocumentRef-d:LicenseRef-B OR MIT") == {"LicenseRef-A"}


def test_license_keys_list_licenses_and_exceptions_once() -> None:
    assert license_keys("MIT OR (MIT AND GPL-2.0+ WITH Classpath-exception-2.0)") == [
        "MIT",
        "GPL-2.0-or-later",
        "Classpath-exception-2.0",
    ]
