"""JWT issue and verification (PyJWT).

One verifier accepts exactly one algorithm: EdDSA with the instance key ring (the
default), or HS256 with a configured secret of at least 32 bytes; an external
identity provider's keys may be added with ``COMMONS_JWKS_URL`` (EdDSA/RS256/ES256
by its JWKS). Tokens must carry exp, iat, iss, aud and sub and a ``typ`` of JWT;
``exp``, ``iat`` and ``nbf`` must be JSON numbers (PyJWT also takes numeric strings);
an unknown ``kid`` is refused without any lookup driven by the token.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import jwt

from app.settings import Settings
from ledger.journal.keys import KeyRing
from ledger.kernel.principal import ROLES, Principal, Role
from ledger.kernel.pseudonyms import Pseudonyms

REQUIRED = ["exp", "iat", "iss", "aud", "sub"]
DATES = ("exp", "iat", "nbf")
ACCEPTED_TYP = {"jwt", "at+jwt"}
# An external key set is public: only its asymmetric keys may verify (an "oct" key
# published there would let anyone who reads it sign tokens).
EXTERNAL_ALGORITHMS = frozenset(
    {"EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)


class AuthError(Exception):
    """The token is not acceptable; the message says why (safe to show)."""


class TokenService:
    """Issues and verifies the instance's tokens."""

    def __init__(
        self,
        settings: Settings,
        ring: KeyRing,
        external: jwt.PyJWKSet | None = None,
        pseudonyms: Pseudonyms | None = None,
    ):
        self.settings = settings
        self.ring = ring
        self.external = external
        # The instance's (from the database) when serving; a tool that only issues
        # tokens journals nothing and may do without.
        self.pseudonyms = pseudonyms or Pseudonyms.ephemeral()
        self.algorithm = "HS256" if settings.jwt_secret else "EdDSA"

    def issue(
        self,
        subject: str,
        *,
        roles: dict[str, Role] | None = None,
        admin: bool = False,
        contributor_id: int | None = None,
        ttl: int | None = None,
    ) -> str:
        """A signed token for ``subject`` with the given roles."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.settings.issuer,
            "aud": self.settings.audience,
            "sub": subject,
            "iat": now,
            "exp": now + (ttl or self.settings.token_ttl),
            "roles": dict(roles or {}),
        }
        if admin:
            claims["admin"] = True
        if contributor_id is not None:
            claims["cid"] = contributor_id
        if self.settings.jwt_secret:
            return jwt.encode(claims, self.settings.jwt_secret, "HS256", headers={"typ": "JWT"})
        key = self.ring.active
        return jwt.encode(claims, key.private, "EdDSA", headers={"typ": "JWT", "kid": key.kid})

    def _key(self, header: dict[str, Any]) -> tuple[Any, str]:
        alg = header.get("alg")
        if self.settings.jwt_secret:
            if alg != "HS256":
                raise AuthError("token algorithm not accepted")
            return self.settings.jwt_secret, "HS256"
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise AuthError("token has no key id")
        own = self.ring.public_key(kid)
        if own is not None:
            if alg != "EdDSA":
                raise AuthError("token algorithm not accepted")
            return own, "EdDSA"
        if self.external is not None:
            for jwk in self.external.keys:
                if jwk.key_id == kid and jwk.algorithm_name == alg in EXTERNAL_ALGORITHMS:
                    return jwk.key, alg
        raise AuthError("unknown key id")

    def verify(self, token: str) -> Principal:
        """The principal a valid token names; AuthError otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise AuthError("malformed token") from None
        if str(header.get("typ", "")).lower() not in ACCEPTED_TYP:
            raise AuthError("token type must be JWT")
        key, alg = self._key(header)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway,
                options={"require": REQUIRED},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except jwt.InvalidTokenError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        numeric_dates(claims)
        principal = principal_of(claims)
        return replace(principal, pseudonym=self.pseudonyms.subject(principal.subject))


def numeric_dates(claims: dict[str, Any]) -> None:
    """AuthError unless every date claim present is a JSON number (RFC 7519 NumericDate):
    not a string, not a boolean (PyJWT has refused what is not a finite number)."""
    for name in DATES:
        value = claims.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AuthError(f"{name} must be a number of seconds (NumericDate)")


def principal_of(claims: dict[str, Any]) -> Principal:
    """The principal described by verified claims; AuthError on malformed ones."""
    subject = claims["sub"]
    roles = claims.get("roles", {})
    cid = claims.get("cid")
    if not isinstance(subject, str) or not subject:
        raise AuthError("sub must be a non-empty string")
    if not isinstance(roles, dict) or any(
        not isinstance(k, str) or v not in ROLES for k, v in roles.items()
    ):
        raise AuthError("roles must map project slugs to maintainer or member")
    if cid is not None and (not isinstance(cid, int) or isinstance(cid, bool)):
        raise AuthError("cid must be an integer")
    return Principal(
        subject=subject, contributor_id=cid, admin=claims.get("admin") is True, roles=roles
    )


def fetch_external(url: str) -> jwt.PyJWKSet:
    """The external identity provider's key set (fetched once at start)."""
    return jwt.PyJWKClient(url, cache_jwk_set=True).get_jwk_set()
