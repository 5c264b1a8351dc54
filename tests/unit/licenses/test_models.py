from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from ledger.kernel.errors import InvalidInput
from licenses.models import (
    DCO_RIGHTS,
    RIGHTS,
    Authorisation,
    NewGrant,
    check_authorisation,
    check_commit,
    check_domain,
    check_rights,
    default_rights,
)

SIGNED = datetime(2026, 1, 1, tzinfo=UTC)
ICLA = NewGrant(
    "k", "icla", "steward", "Apache-2.0", ("modify", "reproduce"), True, True, True, SIGNED,
    grantor_contributor_id=1, scope_from=SIGNED, commit_sha=" ABCDEF1 ",
)  # fmt: skip
CCLA = NewGrant(
    "c", "ccla", "steward", "Apache-2.0", RIGHTS, True, True, True, SIGNED,
    grantor_organisation_id=7, scope_from=SIGNED,
    authorisations=(Authorisation("email_domain", None, "@Corp.Example"),),
)  # fmt: skip
NAIVE = datetime(2026, 1, 1)


def test_a_valid_grant_comes_back_in_canonical_form() -> None:
    checked = ICLA.validated()
    assert checked == replace(ICLA, rights=("reproduce", "modify"), commit_sha="abcdef1")
    assert CCLA.validated().authorisations == (Authorisation("email_domain", None, "corp.example"),)


def test_a_dco_sign_off_grants_every_right_but_sublicensing_by_default() -> None:
    assert default_rights("dco") == DCO_RIGHTS
    assert "sublicense" not in DCO_RIGHTS
    assert default_rights("icla") == RIGHTS == default_rights("explicit")


@pytest.mark.parametrize(
    ("base", "changes", "message", "field"),
    [
        (ICLA, {"instrument": "handshake"}, "instrument must be one of", "instrument"),
        (ICLA, {"grantee": "owner"}, "grantee must be one of steward, public", "grantee"),
        (ICLA, {"scope_from": NAIVE}, "scopeFrom needs a time zone", "scopeFrom"),
        (ICLA, {"contribution_ids": (1,)}, "give either contributions or scopeFrom", "scopeFrom"),
        (ICLA, {"scope_from": None}, "give either contributions or scopeFrom", "scopeFrom"),
        (ICLA, {"scope_from": None, "contribution_ids": (1, 1)}, "at most 1000 distinct", "contributions"),
        (ICLA, {"scope_from": None, "contribution_ids": tuple(range(1001))}, "at most 1000 distinct", "contributions"),
        (CCLA, {"authorisations": (Authorisation("membership"),) * 101}, "at most 100 authorisations", "authorisations"),
        (CCLA, {"grantor_organisation_id": None, "grantor_contributor_id": 1}, "a corporate CLA is granted by an organisation", "grantorOrganisation"),
        (CCLA, {"grantor_contributor_id": 1}, "a corporate CLA is granted by an organisation", "grantorOrganisation"),
        (CCLA, {"authorisations": ()}, "a corporate CLA authorises someone", "authorisations"),
        (ICLA, {"authorisations": (Authorisation("membership"),)}, "only a corporate CLA authorises", "authorisations"),
        (ICLA, {"instrument": "explicit", "grantor_contributor_id": None}, "name one grantor", "grantorContributor"),
        (ICLA, {"instrument": "explicit", "grantor_organisation_id": 7}, "name one grantor", "grantorContributor"),
        (ICLA, {"grantor_contributor_id": None, "grantor_organisation_id": 7}, "a icla grant is made by a contributor", "grantorContributor"),
        (ICLA, {"signature_method": ""}, "signature_method must be 1 to 100 characters", "signature_method"),
        (ICLA, {"delivery_id": "d" * 101}, "delivery_id must be 1 to 100 characters", "delivery_id"),
        (ICLA, {"instrument": "explicit", "agreement_version": 1}, "an explicit grant accepts no agreement text", "agreementVersion"),
        (ICLA, {"effective_at": NAIVE}, "effectiveAt needs a time zone", "effectiveAt"),
        (ICLA, {"rights": ()}, "a grant names at least one right", "rights"),
        (ICLA, {"commit_sha": "not-a-sha"}, "commit must be a hex object id", "commit"),
        (CCLA, {"authorisations": (Authorisation("friendship"),)}, "authorisation kind must be", "authorisations"),
    ],
)  # fmt: skip
def test_a_malformed_grant_is_refused_naming_the_field(
    base: NewGrant, changes: dict[str, Any], message: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        replace(base, **changes).validated()
    assert raised.value.message.startswith(message)
    assert raised.value.field == field


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
