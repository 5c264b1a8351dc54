from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.kernel.errors import InvalidInput
from ledger.kernel.money import (
    BIGINT_MAX,
    EXPONENTS,
    Money,
    check_currency,
    convert,
    format_minor,
    parse_amount,
    parse_rate,
)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("1500", "JPY", 1500),
        ("12.50", "EUR", 1250),
        ("12.5", "EUR", 1250),
        ("12", "EUR", 1200),
        ("0.001", "BHD", 1),
        ("7.125", "BHD", 7125),
        ("0.01", "USD", 1),
    ],
)
def test_amounts_become_minor_units_with_the_currency_exponent(
    text: str, currency: str, minor: int
) -> None:
    assert parse_amount(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (12.5, 'amount must be a decimal string such as "12.50"'),
        (12, 'amount must be a decimal string such as "12.50"'),
        (None, 'amount must be a decimal string such as "12.50"'),
        ("1e3", 'amount must be a plain decimal string such as "12.50"'),
        ("NaN", 'amount must be a plain decimal string such as "12.50"'),
        ("Infinity", 'amount must be a plain decimal string such as "12.50"'),
        ("+5", 'amount must be a plain decimal string such as "12.50"'),
        (" 5", 'amount must be a plain decimal string such as "12.50"'),
        ("5.", 'amount must be a plain decimal string such as "12.50"'),
        (".5", 'amount must be a plain decimal string such as "12.50"'),
        ("1_000", 'amount must be a plain decimal string such as "12.50"'),
        ("١٢", 'amount must be a plain decimal string such as "12.50"'),
        ("", 'amount must be a plain decimal string such as "12.50"'),
        ("0", "amount must not be zero"),
        ("0.00", "amount must not be zero"),
        ("-0", "amount must not be zero"),
        ("-5", "amount must be positive"),
        ("1.234", "amount has 3 decimals; EUR allows 2"),
        ("92233720368547758.08", "amount is too large"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(value: object, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_amount(value, "EUR")
    assert (refused.value.message, refused.value.field) == (message, "amount")


def test_yen_takes_no_decimals() -> None:
    with pytest.raises(InvalidInput, match="amount has 1 decimals; JPY allows 0"):
        parse_amount("100.0", "JPY")


def test_the_largest_bigint_is_accepted_and_one_more_is_not() -> None:
    assert parse_amount("92233720368547758.07", "EUR").minor == BIGINT_MAX
    with pytest.raises(InvalidInput, match="too large"):
        parse_amount("9223372036854775808", "JPY")


def test_negative_amounts_pass_only_where_allowed() -> None:
    assert parse_amount("-3.10", "EUR", allow_negative=True) == Money(-310, "EUR")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("eur", "currency must be an upper-case ISO 4217 code like EUR"),
        ("EURO", "currency must be an upper-case ISO 4217 code like EUR"),
        (978, "currency must be an upper-case ISO 4217 code like EUR"),
        ("ABC", "ABC is not an ISO 4217 currency with a minor unit"),
        ("XAU", "XAU is not an ISO 4217 currency with a minor unit"),
        ("XXX", "XXX is not an ISO 4217 currency with a minor unit"),
    ],
)
def test_unknown_or_lower_case_currencies_are_refused(code: object, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_currency(code)
    assert (refused.value.message, refused.value.field) == (message, "currency")


def test_a_bad_currency_is_named_before_the_amount() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_amount("1", "usd")
    assert refused.value.field == "currency"


def test_the_table_knows_the_exponents_of_iso_4217() -> None:
    assert (EXPONENTS["JPY"], EXPONENTS["EUR"], EXPONENTS["BHD"], EXPONENTS["CLF"]) == (0, 2, 3, 4)


@given(
    st.sampled_from(sorted(EXPONENTS)),
    st.integers(min_value=-BIGINT_MAX, max_value=BIGINT_MAX).filter(bool),
)
def test_formatting_and_parsing_round_trip(currency: str, minor: int) -> None:
    text = format_minor(minor, currency)
    assert parse_amount(text, currency, allow_negative=True) == Money(minor, currency)


def test_money_prints_with_its_exact_decimals() -> None:
    assert (str(Money(5, "EUR")), Money(-1250, "BHD").decimal, Money(7, "JPY").decimal) == (
        "0.05 EUR",
        "-1.250",
        "7",
    )


def test_rates_are_exact_decimals() -> None:
    assert parse_rate("1.084200") == Decimal("1.084200")
    assert parse_rate("0.000000000001") == Decimal("1E-12")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.08, 'rate must be a decimal string such as "1.0842"'),
        ("1e2", "rate must be a positive plain decimal string"),
        ("-1.2", "rate must be a positive plain decimal string"),
        ("0.000", "rate must be greater than zero"),
        ("0.0000000000001", "rate allows at most 24 digits, 12 decimals"),
    ],
)
def test_bad_rates_are_refused(value: object, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_rate(value)
    assert (refused.value.message, refused.value.field) == (message, "rate")


def test_conversion_rounds_half_even_to_the_target_minor_unit() -> None:
    assert convert(Money(10000, "EUR"), "JPY", Decimal("161.235")) == Money(16124, "JPY")
    assert convert(Money(1, "EUR"), "USD", Decimal("1.5")) == Money(2, "USD")
    assert convert(Money(1, "EUR"), "USD", Decimal("2.5")) == Money(2, "USD")
    assert convert(Money(1000, "JPY"), "BHD", Decimal("0.0025")) == Money(2500, "BHD")


def test_a_conversion_that_rounds_to_zero_is_refused() -> None:
    with pytest.raises(InvalidInput, match="rounds to zero"):
        convert(Money(1, "JPY"), "EUR", Decimal("0.004"))
