"""The token verifier refuses every token it should, and only those."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from app.auth import AuthError, TokenService
from app.settings import Settings, SettingsError
from ledger.journal.keys import KeyRing, public_jwk

SECRET = "s" * 32


def eddsa_service(**env: str) -> TokenService:
    return TokenService(Settings.from_env({"COMMONS_ENV": "test", **env}), KeyRing.generate())


def hs_service() -> TokenService:
    return TokenService(
        Settings.from_env({"COMMONS_ENV": "test", "COMMONS_JWT_SECRET": SECRET}),
        KeyRing.generate(),
    )


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": "commons-ledger",
        "aud": "commons-ledger",
        "sub": "alice",
        "iat": now,
        "exp": now + 600,
        "roles": {"linux": "maintainer"},
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def signed(service: TokenService, payload: dict[str, Any], **header: Any) -> str:
    """A token signed by the service's own active key, with header overrides."""
    key = service.ring.active
    headers = {"typ": "JWT", "kid": key.kid, **header}
    return jwt.encode(payload, key.private, "EdDSA", headers=headers)


def raw_token(header: dict[str, Any], payload: dict[str, Any], service: TokenService) -> str:
    """A compact JWS assembled by hand (PyJWT refuses to write some malformed headers)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    signing_input = f"{part(header)}.{part(payload)}"
    signature = service.ring.active.private.sign(signing_input.encode())
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


def refusal(service: TokenService, token: str) -> str:
    with pytest.raises(AuthError) as caught:
        service.verify(token)
    return str(caught.value)


def test_a_token_the_service_issues_names_its_principal() -> None:
    service = eddsa_service()
    token = service.issue("alice", roles={"linux": "maintainer"}, contributor_id=7)
    principal = service.verify(token)
    assert (principal.subject, principal.roles, principal.contributor_id, principal.admin) == (
        "alice",
        {"linux": "maintainer"},
        7,
        False,
    )


def test_an_hs256_service_accepts_its_own_tokens() -> None:
    service = hs_service()
    assert service.verify(service.issue("bob", admin=True)).admin is True


def test_an_unsigned_token_with_alg_none_is_refused() -> None:
    service = eddsa_service()
    bare = jwt.encode(claims(), "", "none", headers={"typ": "JWT"})
    assert refusal(service, bare) == "token has no key id"
    with_kid = jwt.encode(
        claims(), "", "none", headers={"typ": "JWT", "kid": service.ring.active.kid}
    )
    assert refusal(service, with_kid) == "token algorithm not accepted"
    assert refusal(hs_service(), bare) == "token algorithm not accepted"


def test_an_hs256_token_keyed_with_the_public_key_bytes_is_refused() -> None:
    service = eddsa_service()
    public = service.ring.active.public
    for key in (
        public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        public_jwk(public)["x"].encode(),
    ):
        forged = jwt.encode(
            claims(), key, "HS256", headers={"typ": "JWT", "kid": service.ring.active.kid}
        )
        assert refusal(service, forged) == "token algorithm not accepted"


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "aud", "sub"])
def test_a_token_missing_a_required_claim_is_refused(claim: str) -> None:
    service = eddsa_service()
    token = signed(service, claims(**{claim: None}))
    assert refusal(service, token) == f'invalid token: Token is missing the "{claim}" claim'


def test_a_token_of_another_issuer_is_refused() -> None:
    service = eddsa_service()
    token = signed(service, claims(iss="someone-else"))
    assert refusal(service, token) == "invalid token: Invalid issuer"


def test_a_token_for_another_audience_is_refused() -> None:
    service = eddsa_service()
    token = signed(service, claims(aud="another-service"))
    assert refusal(service, token) == "invalid token: Audience doesn't match"


def test_a_token_expired_beyond_the_leeway_is_refused() -> None:
    service = eddsa_service(COMMONS_JWT_LEEWAY="30")
    now = int(time.time())
    token = signed(service, claims(iat=now - 3600, exp=now - 300))
    assert refusal(service, token) == "token expired"


def test_a_token_expired_within_the_leeway_is_accepted() -> None:
    service = eddsa_service(COMMONS_JWT_LEEWAY="300")
    now = int(time.time())
    token = signed(service, claims(iat=now - 3600, exp=now - 60))
    assert service.verify(token).subject == "alice"


def test_a_token_issued_in_the_future_is_refused() -> None:
    service = eddsa_service(COMMONS_JWT_LEEWAY="30")
    now = int(time.time())
    token = signed(service, claims(iat=now + 3600, exp=now + 7200))
    assert refusal(service, token) == "invalid token: The token is not yet valid (iat)"


def test_a_token_with_a_non_numeric_expiry_is_refused() -> None:
    service = eddsa_service()
    token = signed(service, claims(exp="tomorrow"))
    assert refusal(service, token) == (
        "invalid token: Expiration Time claim (exp) must be an integer."
    )


@pytest.mark.parametrize("typ", ["JWS", "id_token", "", None])
def test_a_token_of_another_type_is_refused(typ: str | None) -> None:
    service = eddsa_service()
    key = service.ring.active
    headers: dict[str, Any] = {"kid": key.kid, "typ": typ}
    token = jwt.encode(claims(), key.private, "EdDSA", headers=headers)
    if typ is None:
        # PyJWT drops a None typ; the header then carries no typ at all.
        assert "typ" not in jwt.get_unverified_header(token)
    assert refusal(service, token) == "token type must be JWT"


def test_an_access_token_type_is_accepted() -> None:
    service = eddsa_service()
    assert service.verify(signed(service, claims(), typ="at+jwt")).subject == "alice"


@pytest.mark.parametrize("kid", ["forged", "", "../../etc/passwd", "x" * 5000])
def test_a_token_with_an_unknown_key_id_is_refused(kid: str) -> None:
    service = eddsa_service()
    assert refusal(service, signed(service, claims(), kid=kid)) == "unknown key id"


def test_a_token_without_a_key_id_is_refused() -> None:
    service = eddsa_service()
    header = {"alg": "EdDSA", "typ": "JWT"}
    assert refusal(service, raw_token(header, claims(), service)) == "token has no key id"


@pytest.mark.parametrize("kid", [7, ["a"], {"k": 1}, None])
def test_a_token_whose_key_id_is_not_a_string_is_malformed(kid: Any) -> None:
    service = eddsa_service()
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    assert refusal(service, raw_token(header, claims(), service)) == "malformed token"


def test_a_token_signed_by_another_key_with_a_copied_key_id_is_refused() -> None:
    service = eddsa_service()
    intruder = KeyRing.generate().active
    token = jwt.encode(
        claims(), intruder.private, "EdDSA", headers={"typ": "JWT", "kid": service.ring.active.kid}
    )
    assert refusal(service, token) == "invalid token: Signature verification failed"


def test_a_key_embedded_in_the_token_header_is_never_trusted() -> None:
    service = eddsa_service()
    intruder = KeyRing.generate().active
    headers = {"typ": "JWT", "kid": intruder.kid, "jwk": public_jwk(intruder.public)}
    token = jwt.encode(claims(), intruder.private, "EdDSA", headers=headers)
    assert refusal(service, token) == "unknown key id"


def test_a_short_hmac_secret_is_refused_by_the_settings() -> None:
    with pytest.raises(SettingsError, match="at least 32 bytes"):
        Settings.from_env({"COMMONS_JWT_SECRET": "s" * 31})
    assert Settings.from_env({"COMMONS_JWT_SECRET": "s" * 32}).jwt_secret == b"s" * 32


def test_an_eddsa_token_is_refused_by_an_hs256_verifier() -> None:
    hs = hs_service()
    eddsa = eddsa_service()
    assert refusal(hs, eddsa.issue("alice")) == "token algorithm not accepted"
    # Even one signed by a key the HS256 verifier's ring holds.
    assert refusal(hs, signed(hs, claims())) == "token algorithm not accepted"


def test_an_hs256_token_is_refused_by_an_eddsa_verifier() -> None:
    eddsa = eddsa_service()
    token = jwt.encode(claims(), SECRET, "HS256", headers={"typ": "JWT"})
    assert refusal(eddsa, token) == "token has no key id"
    with_kid = jwt.encode(
        claims(), SECRET, "HS256", headers={"typ": "JWT", "kid": eddsa.ring.active.kid}
    )
    assert refusal(eddsa, with_kid) == "token algorithm not accepted"


def test_an_hs256_token_signed_with_another_secret_is_refused() -> None:
    token = jwt.encode(claims(), "t" * 32, "HS256", headers={"typ": "JWT"})
    assert refusal(hs_service(), token) == "invalid token: Signature verification failed"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"roles": ["linux"]}, "roles must map project slugs to maintainer or member"),
        ({"roles": {"linux": "owner"}}, "roles must map project slugs to maintainer or member"),
        ({"roles": {"linux": None}}, "roles must map project slugs to maintainer or member"),
        ({"roles": "admin"}, "roles must map project slugs to maintainer or member"),
        ({"cid": "7"}, "cid must be an integer"),
        ({"cid": True}, "cid must be an integer"),
        ({"sub": ""}, "sub must be a non-empty string"),
        ({"sub": 42}, "invalid token: Subject must be a string"),
    ],
)
def test_a_token_with_malformed_claims_is_refused(changes: dict[str, Any], reason: str) -> None:
    service = eddsa_service()
    assert refusal(service, signed(service, claims(**changes))) == reason


def test_only_a_literal_true_admin_claim_makes_an_admin() -> None:
    service = eddsa_service()
    for value in ("true", 1, "yes", [True]):
        assert service.verify(signed(service, claims(admin=value))).admin is False
    assert service.verify(signed(service, claims(admin=True))).admin is True


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "...", "W10.e30.", "bnVsbA.e30."])
def test_garbage_is_a_malformed_token(token: str) -> None:
    assert refusal(eddsa_service(), token) == "malformed token"


def test_a_token_with_an_empty_header_is_refused() -> None:
    assert refusal(eddsa_service(), "e30.e30.") == "token type must be JWT"


def test_a_hand_made_token_with_a_valid_signature_is_accepted() -> None:
    service = eddsa_service()
    header = {"alg": "EdDSA", "typ": "JWT", "kid": service.ring.active.kid}
    assert service.verify(raw_token(header, claims(), service)).subject == "alice"


def test_a_hand_made_token_whose_body_is_not_an_object_is_refused() -> None:
    service = eddsa_service()
    header = {"alg": "EdDSA", "typ": "JWT", "kid": service.ring.active.kid}
    signing_input = (
        base64.urlsafe_b64encode(json.dumps(header).encode()).decode().rstrip("=") + ".WzFd"
    )
    signature = service.ring.active.private.sign(signing_input.encode())
    token = f"{signing_input}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"
    assert refusal(service, token).startswith("invalid token: ")


def test_an_external_providers_key_is_used_for_its_own_key_id_only() -> None:
    provider = KeyRing.generate()
    external = jwt.PyJWKSet.from_dict(provider.jwks())
    service = TokenService(Settings.from_env({"COMMONS_ENV": "test"}), KeyRing.generate(), external)
    key = provider.active
    good = jwt.encode(claims(), key.private, "EdDSA", headers={"typ": "JWT", "kid": key.kid})
    assert service.verify(good).subject == "alice"
    public = key.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    confused = jwt.encode(claims(), public, "HS256", headers={"typ": "JWT", "kid": key.kid})
    assert refusal(service, confused) == "unknown key id"
    unsigned = jwt.encode(claims(), "", "none", headers={"typ": "JWT", "kid": key.kid})
    assert refusal(service, unsigned) == "unknown key id"


def test_a_symmetric_key_in_an_external_key_set_never_verifies() -> None:
    secret = b"x" * 64
    oct_key = base64.urlsafe_b64encode(secret).decode().rstrip("=")
    for alg in ("HS256", "HS384", "HS512"):
        external = jwt.PyJWKSet.from_dict(
            {"keys": [{"kty": "oct", "k": oct_key, "kid": "shared", "alg": alg}]}
        )
        service = TokenService(
            Settings.from_env({"COMMONS_ENV": "test"}), KeyRing.generate(), external
        )
        forged = jwt.encode(claims(), secret, alg, headers={"typ": "JWT", "kid": "shared"})
        assert refusal(service, forged) == "unknown key id"
