"""Money: integer minor units of an ISO 4217 currency, parsed from decimal strings.

The currency table (codes and minor-unit exponents: JPY 0, EUR 2, BHD 3) comes from
the ``iso4217`` package, which tracks the ISO maintenance agency's list. Currencies
without a minor unit (gold, SDR, test codes) cannot carry money here. Amounts and
FX rates arrive as strings and become ``int`` minor units and exact ``Decimal``
rates; floats are refused everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

from iso4217 import Currency

from ledger.kernel.errors import InvalidInput

BIGINT_MAX = 2**63 - 1
MAX_RATE_DIGITS = 24
MAX_RATE_DECIMALS = 12

EXPONENTS: dict[str, int] = {c.code: c.exponent for c in Currency if c.exponent is not None}

_AMOUNT = re.compile(r"(-?)([0-9]{1,40})(?:\.([0-9]{1,40}))?", re.ASCII)


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount in minor units (cents, yen, fils) of ``currency``."""

    minor: int
    currency: str

    def __str__(self) -> str:
        return f"{format_minor(self.minor, self.currency)} {self.currency}"

    @property
    def decimal(self) -> str:
        """The amount as a decimal string with the currency's exact number of decimals."""
        return format_minor(self.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)


def exponent(currency: str) -> int:
    """The ISO 4217 minor-unit exponent of a known currency code."""
    return EXPONENTS[currency]


def check_currency(value: Any, field: str = "currency") -> str:
    """A known upper-case ISO 4217 code that has a minor unit; InvalidInput otherwise."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value, re.ASCII):
        raise InvalidInput(f"{field} must be an upper-case ISO 4217 code like EUR", field)
    if value not in EXPONENTS:
        raise InvalidInput(f"{value} is not an ISO 4217 currency with a minor unit", field)
    return value


def parse_amount(
    value: Any, currency: str, field: str = "amount", *, allow_negative: bool = False
) -> Money:
    """A decimal string (``"12.50"``) as minor units of ``currency``.

    Refused: anything but a plain decimal string (floats, exponents, NaN, signs
    other than a leading minus where allowed), zero, negatives where not allowed,
    more decimals than the currency has, and magnitudes beyond a PostgreSQL bigint.
    """
    code = check_currency(currency, "currency")
    if not isinstance(value, str):
        raise InvalidInput(f'{field} must be a decimal string such as "12.50"', field)
    match = _AMOUNT.fullmatch(value)
    if match is None:
        raise InvalidInput(f'{field} must be a plain decimal string such as "12.50"', field)
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    places = exponent(code)
    if len(fraction) > places:
        raise InvalidInput(f"{field} has {len(fraction)} decimals; {code} allows {places}", field)
    minor = int(whole) * 10**places + int(fraction.ljust(places, "0") or "0")
    if minor == 0:
        raise InvalidInput(f"{field} must not be zero", field)
    if sign and not allow_negative:
        raise InvalidInput(f"{field} must be positive", field)
    if minor > BIGINT_MAX:
        raise InvalidInput(f"{field} is too large", field)
    return Money(-minor if sign else minor, code)


def format_minor(minor: int, currency: str) -> str:
    """Minor units as a decimal string with exactly the currency's decimals."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    digits = str(abs(minor)).rjust(places + 1, "0")
    if places == 0:
        return f"{sign}{digits}"
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def parse_rate(value: Any, field: str = "rate") -> Decimal:
    """An FX rate: a positive plain decimal string, kept exact (never a float)."""
    if not isinstance(value, str):
        raise InvalidInput(f'{field} must be a decimal string such as "1.0842"', field)
    match = _AMOUNT.fullmatch(value)
    if match is None or match.group(1):
        raise InvalidInput(f"{field} must be a positive plain decimal string", field)
    whole, fraction = match.group(2).lstrip("0"), match.group(3) or ""
    if len(fraction) > MAX_RATE_DECIMALS or len(whole) + len(fraction) > MAX_RATE_DIGITS:
        raise InvalidInput(
            f"{field} allows at most {MAX_RATE_DIGITS} digits, {MAX_RATE_DECIMALS} decimals",
            field,
        )
    rate = Decimal(value)
    if rate == 0:
        raise InvalidInput(f"{field} must be greater than zero", field)
    return rate


def convert(amount: Money, to_currency: str, rate: Decimal, field: str = "rate") -> Money:
    """``amount`` at ``rate`` (units of ``to_currency`` per unit), rounded half-even to
    the target's minor unit; InvalidInput if it rounds to zero or leaves bigint."""
    target = check_currency(to_currency, "toCurrency")
    shift = exponent(target) - exponent(amount.currency)
    with localcontext() as ctx:
        ctx.prec = 80
        exact = Decimal(amount.minor) * rate * Decimal(10) ** shift
        minor = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    if minor == 0:
        raise InvalidInput("the converted amount rounds to zero", field)
    if abs(minor) > BIGINT_MAX:
        raise InvalidInput("the converted amount is too large", field)
    return Money(minor, target)
