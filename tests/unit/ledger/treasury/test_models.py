from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pytest

from ledger.kernel.errors import InvalidInput
from ledger.kernel.money import Money
from ledger.register.models import check_slug
from ledger.treasury.models import (
    NAME_LIMIT,
    NewSponsorship,
    Policy,
    TermsInput,
)

TERMS = TermsInput("Terms", "1", "We own nothing.", True, True, True, True, True)
EUR = Money(1000, "EUR")


def test_commons_terms_claim_nothing_and_are_pinned_by_the_sha256_of_their_text() -> None:
    assert TERMS.claims() == []
    assert TERMS.digest == hashlib.sha256(b"We own nothing.").digest()


def test_terms_name_every_commons_flag_they_do_not_give() -> None:
    grabby = replace(TERMS, no_ownership=False, no_access_restriction=False, no_votes_bought=False)
    assert grabby.claims() == ["no_ownership", "no_access_restriction", "no_votes_bought"]


def test_blank_terms_text_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        replace(TERMS, body="   ").validated()
    assert refused.value.field == "terms.body"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "gift"}, "kind"),
        ({"amount": None}, "amount"),
        ({"kind": "in_kind", "in_kind_description": None}, "inKindDescription"),
        ({"in_kind_description": "laptops"}, "inKindDescription"),
        ({"kind": "recurring_pledge"}, "recurrence"),
        ({"recurrence": "monthly"}, "recurrence"),
        ({"kind": "recurring_pledge", "recurrence": "weekly"}, "recurrence"),
        ({"period_start": date(2026, 2, 1), "period_end": date(2026, 1, 1)}, "periodEnd"),
        ({"earmark": ""}, "earmark"),
    ],
)
def test_sponsorships_of_the_wrong_shape_for_their_kind_are_refused(
    change: dict[str, object], field: str
) -> None:
    base = NewSponsorship(1, "one_off", EUR, None, None, None, None, None)
    with pytest.raises(InvalidInput) as refused:
        replace(base, **change).validated()  # type: ignore[arg-type]
    assert refused.value.field == field


def test_in_kind_support_may_carry_a_valuation_or_none() -> None:
    gift = NewSponsorship(1, "in_kind", None, "CI machines", None, None, None, "infra")
    assert gift.validated() == gift
    assert replace(gift, amount=EUR).validated().amount == EUR


def test_policy_defaults_to_no_overdraft_and_approval_by_proposal() -> None:
    assert Policy.of({}) == Policy(allow_overdraft=False, maintainer_approval=False)
    assert Policy.of({"treasury": {"allow_overdraft": True}}).allow_overdraft is True


@pytest.mark.parametrize("name", ["Main", "1fund", "main-", "a b", "x" * 41, ""])
def test_fund_and_category_names_are_lower_case_slugs(name: str) -> None:
    assert check_slug("x" * NAME_LIMIT, "fund", NAME_LIMIT) == "x" * NAME_LIMIT
    with pytest.raises(InvalidInput) as raised:
        check_slug(name, "fund", NAME_LIMIT)
    assert raised.value.field == "fund"
