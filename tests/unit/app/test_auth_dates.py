"""Date claims are JSON numbers: a numeric string (which PyJWT itself accepts), a
boolean or a non-finite number in ``exp``, ``iat`` or ``nbf`` is refused."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from app.auth import TokenService
from app.settings import Settings
from ledger.journal.keys import KeyRing
from tests.unit.app.test_auth import claims, raw_token, refusal, signed

SECRET = "s" * 32


def service() -> TokenService:
    return TokenService(Settings.from_env({"COMMONS_ENV": "test"}), KeyRing.generate())


def test_pyjwt_alone_accepts_dates_given_as_numeric_strings() -> None:
    now = int(time.time())
    token = jwt.encode({"exp": str(now + 600), "iat": str(now)}, SECRET, "HS256")
    assert jwt.decode(token, SECRET, algorithms=["HS256"]) == {
        "exp": str(now + 600),
        "iat": str(now),
    }


@pytest.mark.parametrize("name", ["exp", "iat", "nbf"])
@pytest.mark.parametrize("kind", [str, lambda n: float(n)])
def test_a_date_claim_as_a_string_is_refused_and_as_a_number_accepted(name: str, kind: Any) -> None:
    verifier = service()
    now = int(time.time())
    dates = {"exp": now + 600, "iat": now - 5, "nbf": now - 5}
    token = signed(verifier, claims(**{**dates, name: kind(dates[name])}))
    if kind is str:
        assert refusal(verifier, token) == f"{name} must be a number of seconds (NumericDate)"
    else:
        assert verifier.verify(token).subject == "alice"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iat": True}, "iat must be a number of seconds (NumericDate)"),
        ({"nbf": False}, "nbf must be a number of seconds (NumericDate)"),
        ({"nbf": float("inf")}, "invalid token: Not Before claim (nbf) must be an integer."),
    ],
)
def test_a_boolean_or_infinite_date_is_refused(changes: dict[str, Any], reason: str) -> None:
    verifier = service()
    header = {"alg": "EdDSA", "typ": "JWT", "kid": verifier.ring.active.kid}
    assert refusal(verifier, raw_token(header, claims(**changes), verifier)) == reason
