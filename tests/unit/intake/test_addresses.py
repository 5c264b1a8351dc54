from __future__ import annotations

import unicodedata

import pytest

from intake.gitlog import check_since, refs_arguments
from intake.trailers import name_key, usable_address
from ledger.kernel.errors import InvalidInput


@pytest.mark.parametrize(
    ("email", "usable"),
    [
        ("ada@example.org", True),
        ("root", False),
        ("", False),
        ("@example.org", False),
        ("ada@", False),
        ("a b@example.org", False),
        ("x" * 243 + "@example.org", False),
        ("x" * 242 + "@example.org", True),
    ],
)
def test_an_address_is_usable_only_when_it_can_be_one(email: str, usable: bool) -> None:
    assert usable_address(email) is usable


def test_names_compare_after_nfc_and_case_folding() -> None:
    assert name_key(unicodedata.normalize("NFD", "JOSÉ  Núñez")) == name_key("josé núñez")
    assert name_key("Straße") == name_key("STRASSE")


def test_the_default_refs_leave_pull_requests_and_notes_out() -> None:
    assert refs_arguments() == ["--branches", "--tags", "--remotes=origin"]
    assert refs_arguments(["refs/heads/release-*"]) == ["--glob=refs/heads/release-*"]
    with pytest.raises(InvalidInput):
        refs_arguments(["HEAD"])


def test_since_is_the_days_first_instant() -> None:
    assert check_since("2024-01-31") == "--since=2024-01-31T00:00:00Z"
    with pytest.raises(InvalidInput):
        check_since("last week")
