from __future__ import annotations

import pytest

from licenses.spdx import ExpressionError, check, license_keys, license_refs, normalize


@pytest.mark.parametrize(
    ("expression", "normal"),
    [
        ("mit", "MIT"),
        ("apache-2.0 or mit", "Apache-2.0 OR MIT"),
        ("MIT and Apache-2.0", "MIT AND Apache-2.0"),
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause"),
        ("MIT OR Apache-2.0 AND ISC", "MIT OR (Apache-2.0 AND ISC)"),
        ("((MIT))", "MIT"),
        ("(MIT OR (ISC OR Zlib))", "MIT OR ISC OR Zlib"),
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
        ("  MIT  ", "MIT"),
        ("MPL-2.0-no-copyleft-exception", "MPL-2.0-no-copyleft-exception"),
        ("MIT WITH AdditionRef-Acme-extra", "MIT WITH AdditionRef-Acme-extra"),
        ("MIT WITH DocumentRef-d:AdditionRef-x", "MIT WITH DocumentRef-d:AdditionRef-x"),
        ("NONE", "NONE"),
        ("NOASSERTION", "NOASSERTION"),
    ],
)
def test_valid_expressions_normalise_to_spdx_ids(expression: str, normal: str) -> None:
    assert normalize(expression) == normal
    assert check(expression).warnings == ()


def test_a_license_ref_that_scancode_aliases_stays_what_the_project_declared() -> None:
    assert normalize("LicenseRef-MIT-Bootstrap") == "LicenseRef-MIT-Bootstrap"


@pytest.mark.parametrize(
    ("expression", "reason", "message"),
    [
        ("", "empty", "license expression is empty at position 0"),
        (
            "MIT OR Apache-2.0 OR",
            "expected_license",
            "expected a license, found the end of the expression at position 20",
        ),
        (
            "MIT OR (Apache-2.0) BSD-3-Clause",
            "expected_operator",
            "expected AND or OR before 'BSD-3-Clause' at position 20",
        ),
        ("()", "expected_license", "expected a license, found ')' at position 1"),
        ("MIT AND ()", "expected_license", "expected a license, found ')' at position 9"),
        (
            "MIT AND (",
            "expected_license",
            "expected a license, found the end of the expression at position 9",
        ),
        ("(MIT AND ISC", "unbalanced", "'(' is never closed at position 0"),
        ("MIT ) ", "unbalanced", "')' closes no '(' at position 4"),
        (
            "MIT And Apache-2.0",
            "operator_case",
            "operator 'And' must be all upper case (AND) or all lower case (and) at position 4",
        ),
        (
            "MIT oR ISC",
            "operator_case",
            "operator 'oR' must be all upper case (OR) or all lower case (or) at position 4",
        ),
        (
            "MIT\nOR Apache-2.0",
            "whitespace",
            "a line break: an SPDX expression is written on one line at position 3",
        ),
        ("MIT\tOR ISC", "whitespace", "'\\t': tokens are separated by spaces only at position 3"),
        (
            "MIT OR Foo",
            "unknown_license",
            "unknown license 'Foo' at position 7: not an SPDX id, LicenseRef- or DocumentRef-",
        ),
        (
            "MIT WITH GPL-2.0-only",
            "not_an_exception",
            "'GPL-2.0-only' is a license, not an exception at position 9",
        ),
        (
            "MIT WITH MPL-2.0-no-copyleft-exception",
            "not_an_exception",
            "'MPL-2.0-no-copyleft-exception' is a license, not an exception at position 9",
        ),
        (
            "Classpath-exception-2.0",
            "not_a_license",
            "'Classpath-exception-2.0' is an exception: it only follows WITH at position 0",
        ),
        (
            "MIT WITH Foo-exception",
            "unknown_exception",
            "unknown exception 'Foo-exception' at position 9: not an SPDX exception id, "
            "nor an AdditionRef-",
        ),
        (
            "MIT WITH",
            "unknown_exception",
            "expected an exception after WITH, found the end of the expression at position 8",
        ),
        ("LicenseRef-x+", "plus", "'+' applies to license ids only at position 12"),
        ("MIT +", "plus", "'+' must follow a license id without a space at position 4"),
        ("licenseref-x", "reference", "write 'LicenseRef-', not 'licenseref-' at position 0"),
        ("LicenseRef-", "reference", "malformed reference 'LicenseRef-' at position 0"),
        ("mit/x11", "character", "invalid character '/' at position 3"),
        (
            "AdditionRef-x",
            "not_a_license",
            "'AdditionRef-x' is an addition: it only follows WITH at position 0",
        ),
        ("NONE OR MIT", "standalone", "NONE stands alone, it cannot be combined at position 0"),
        (
            "MIT AND NOASSERTION",
            "standalone",
            "NOASSERTION stands alone, it cannot be combined at position 8",
        ),
        (
            "(MIT) WITH LLVM-exception",
            "expected_operator",
            "WITH follows a single license, not a parenthesised expression at position 6",
        ),
        (
            "x" * 1001,
            "too_long",
            "license expression is longer than 1000 characters at position 1000",
        ),
    ],
)
def test_invalid_expressions_name_what_and_where(
    expression: str, reason: str, message: str
) -> None:
    with pytest.raises(ExpressionError) as raised:
        check(expression)
    assert (raised.value.reason, raised.value.message, raised.value.field) == (
        reason,
        message,
        "licenseExpression",
    )


@pytest.mark.parametrize(
    ("expression", "reading", "warning"),
    [
        ("GPL-2.0", "GPL-2.0-only", "'GPL-2.0' is deprecated: read as 'GPL-2.0-only' (position 0)"),
        (
            "GPL-2.0+",
            "GPL-2.0-or-later",
            "'GPL-2.0+' is deprecated: read as 'GPL-2.0-or-later' (position 0)",
        ),
        (
            "MIT OR GPL-2.0-with-classpath-exception",
            "MIT OR GPL-2.0-only WITH Classpath-exception-2.0",
            "'GPL-2.0-with-classpath-exception' is deprecated: read as "
            "'GPL-2.0-only WITH Classpath-exception-2.0' (position 7)",
        ),
        (
            "eCos-2.0",
            "GPL-2.0-or-later WITH eCos-exception-2.0",
            "'eCos-2.0' is deprecated: read as 'GPL-2.0-or-later WITH eCos-exception-2.0' "
            "(position 0)",
        ),
        (
            "Net-SNMP",
            "Net-SNMP",
            "'Net-SNMP' is deprecated with no single successor: it names the collection of "
            "licenses in Net-SNMP's COPYING file; name those licenses instead (mostly "
            "BSD-3-Clause, one part HPND) (position 0)",
        ),
        (
            "MIT WITH Nokia-Qt-exception-1.1",
            "MIT WITH Qt-LGPL-exception-1.1",
            "'Nokia-Qt-exception-1.1' is deprecated: read as 'Qt-LGPL-exception-1.1' (position 9)",
        ),
        (
            "GPL 2.0",
            "GPL-2.0-only",
            "'GPL 2.0' is a ScanCode alias, not an SPDX id: read as 'GPL-2.0-only' (position 0)",
        ),
        (
            "MIT OR GPL 2.0+",
            "MIT OR GPL-2.0-or-later",
            "'GPL 2.0+' is a ScanCode alias, not an SPDX id: read as 'GPL-2.0-or-later' "
            "(position 7)",
        ),
        (
            "GPL",
            "GPL-1.0-or-later",
            "'GPL' is a ScanCode alias, not an SPDX id: read as 'GPL-1.0-or-later' (position 0)",
        ),
        (
            "BSD-2 AND MIT",
            "BSD-2-Clause AND MIT",
            "'BSD-2' is a ScanCode alias, not an SPDX id: read as 'BSD-2-Clause' (position 0)",
        ),
    ],
)
def test_deprecated_ids_and_aliases_are_read_with_a_warning(
    expression: str, reading: str, warning: str
) -> None:
    assert check(expression).expression == reading
    assert check(expression).warnings == (warning,)


def test_normalize_refuses_what_it_could_only_read_with_a_warning() -> None:
    with pytest.raises(ExpressionError) as raised:
        normalize("MIT OR GPL 2.0")
    assert (raised.value.reason, raised.value.message) == (
        "alias",
        "'GPL 2.0' is a ScanCode alias, not an SPDX id: read as 'GPL-2.0-only'; write that "
        "instead at position 7",
    )


def test_license_refs_are_the_project_local_references_only() -> None:
    assert license_refs("LicenseRef-A OR DocumentRef-d:LicenseRef-B OR MIT") == {"LicenseRef-A"}


def test_license_keys_list_licenses_and_exceptions_once() -> None:
    assert license_keys("MIT OR (MIT AND GPL-2.0-or-later WITH Classpath-exception-2.0)") == [
        "MIT",
        "GPL-2.0-or-later",
        "Classpath-exception-2.0",
    ]
