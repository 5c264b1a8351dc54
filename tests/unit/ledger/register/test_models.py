from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.kernel.errors import InvalidInput
from ledger.kernel.paging import decode_cursor, encode_cursor, page_size
from ledger.register.credit import CreditPolicy, explain, parse_weights
from ledger.register.models import (
    STANDARD_KINDS,
    check_kind,
    check_new_kind,
    check_slug,
    check_text,
    check_weight,
)


def test_the_all_contributors_kinds_are_all_standard() -> None:
    assert len(STANDARD_KINDS) == 33
    assert {"code", "doc", "translation", "eventOrganizing", "userTesting"} <= STANDARD_KINDS


@pytest.mark.parametrize("slug", ["linux", "a", "project-gutenberg", "x1-2"])
def test_url_safe_slugs_are_accepted(slug: str) -> None:
    assert check_slug(slug) == slug


@pytest.mark.parametrize("slug", ["", "Linux", "-x", "x-", "1x", "a b", "ü", "a" * 65, "linux\n"])
def test_other_slugs_are_refused(slug: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_slug(slug)
    assert caught.value.field == "slug"


def test_free_text_is_kept_as_given_but_never_blank_or_too_long() -> None:
    assert check_text(" A payee ", "payee", 200) == " A payee "
    for bad in (None, "", "   ", "x" * 201):
        with pytest.raises(InvalidInput) as raised:
            check_text(bad, "payee", 200)
        assert raised.value.message == "payee must be 1 to 200 characters"


def test_a_project_kind_is_accepted_only_for_that_project() -> None:
    assert check_kind("podcast", frozenset({"podcast"})) == "podcast"
    with pytest.raises(InvalidInput, match="unknown contribution kind 'podcast'"):
        check_kind("podcast")


def test_a_new_kind_may_not_shadow_a_standard_one() -> None:
    with pytest.raises(InvalidInput, match="already a standard kind"):
        check_new_kind("code")
    assert check_new_kind("sysadmin") == "sysadmin"


@pytest.mark.parametrize("value", ["-1", "NaN", "1e9", "abc", "1.00001", "Infinity"])
def test_bad_weights_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        check_weight(value, "w")


def test_weights_parse_to_exact_decimals() -> None:
    assert parse_weights({"code": "4.0", "doc": "2.5"}) == {
        "code": Decimal("4.0"),
        "doc": Decimal("2.5"),
    }


def test_a_score_explains_itself() -> None:
    assert explain(3, "code", Decimal("4.0"), 2) == "12.0 = 3 code x 4.0, policy v2"
    assert explain(1, "doc", Decimal("0.25"), 1) == "0.25 = 1 doc x 0.25, policy v1"


def test_unlisted_kinds_earn_the_default_weight() -> None:
    policy = CreditPolicy(1, 3, {"code": Decimal(4)}, Decimal("0.5"), "", "a", None)  # type: ignore[arg-type]
    assert (policy.weight("code"), policy.weight("doc")) == (Decimal(4), Decimal("0.5"))


def test_cursors_round_trip_and_foreign_ones_are_refused() -> None:
    assert decode_cursor(encode_cursor(["2026-01-01T00:00:00+00:00", 7]), 2) == [
        "2026-01-01T00:00:00+00:00",
        7,
    ]
    for bad in ["", "!!!", encode_cursor([1]), "eyJ"]:
        with pytest.raises(InvalidInput):
            decode_cursor(bad, 2)


def test_page_sizes_are_bounded() -> None:
    assert page_size(None) == 20
    with pytest.raises(InvalidInput):
        page_size(0)
    with pytest.raises(InvalidInput):
        page_size(101)
