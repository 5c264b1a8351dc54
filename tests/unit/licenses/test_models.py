from __future__ import annotations

import pytest

from ledger.kernel.errors import InvalidInput
from licenses.dco import SignOff, signoffs_of
from licenses.models import (
    Authorisation,
    check_authorisation,
    check_commit,
    check_domain,
    check_rights,
)


def test_rights_come_back_in_canonical_order() -> None:
    assert check_rights(["distribute", "reproduce"]) == ("reproduce", "distribute")


@pytest.mark.parametrize(
    ("rights", "message"),
    [([], "a grant names at least one right"), (["own"], "unknown right 'own'")],
)
def test_bad_rights_are_refused(rights: list[str], message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_rights(rights)
    assert raised.value.message == message


def test_an_email_domain_is_lower_cased_and_may_start_with_at() -> None:
    assert check_domain("@Corp.Example") == "corp.example"
    with pytest.raises(InvalidInput):
        check_domain("not a domain")


def test_an_authorisation_carries_exactly_the_value_its_kind_names() -> None:
    assert check_authorisation(Authorisation("email_domain", None, "X.org")) == Authorisation(
        "email_domain", None, "x.org"
    )
    for bad in (
        Authorisation("contributor"),
        Authorisation("membership", 3),
        Authorisation("membership", None, "x.org"),
        Authorisation("friendship"),
    ):
        with pytest.raises(InvalidInput):
            check_authorisation(bad)


def test_a_commit_id_is_hex() -> None:
    assert check_commit(" ABCDEF1 ") == "abcdef1"
    with pytest.raises(InvalidInput):
        check_commit("not-a-sha")


def test_sign_offs_are_read_from_contribution_metadata() -> None:
    metadata = {
        "commit": "A" * 40,
        "signoffs": [
            {"name": "Ada", "email": " Ada@Example.org "},
            {"name": "No Mail"},
            "Signed-off-by: junk",
            {"name": 3, "email": "x@y.z"},
        ],
    }
    assert signoffs_of(metadata) == (
        "a" * 40,
        [SignOff("Ada", "ada@example.org"), SignOff("", "x@y.z")],
    )
    assert SignOff("Ada", "ada@example.org").trailer == "Signed-off-by: Ada <ada@example.org>"


@pytest.mark.parametrize(
    "metadata",
    [{}, {"commit": "zz", "signoffs": []}, {"commit": "a" * 40, "signoffs": "x"}],
)
def test_metadata_without_a_commit_or_sign_off_list_yields_nothing(
    metadata: dict[str, object],
) -> None:
    assert signoffs_of(metadata) == (None, [])
