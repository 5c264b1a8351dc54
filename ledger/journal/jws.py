"""Compact JWS (RFC 7515, EdDSA) over RFC 8785 payloads: signing with a ring's active
key, and verifying against a published JWK Set.

A signature is accepted only when its header names a key of the set (``kid``), the
algorithm is EdDSA, the header's ``typ`` is the one expected and the key says it signs
that ``typ`` (the JWKS member ``signs``), and, when the signed statement carries its
time, that time lies within the key's validity (``nbf`` .. ``exp``, with a few minutes
of leeway for clocks). A report signature is detached (RFC 7515 Appendix F): the
payload is the RFC 8785 form of the report document, sent beside the JWS.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import jwt

from ledger.journal.canonical import canonical_json
from ledger.journal.keys import KeyRing

CLOCK_LEEWAY = 300


def sign_payload(ring: KeyRing, payload: dict[str, Any], detached: bool = False) -> str:
    """A compact JWS (EdDSA, the ring's active key, ``typ`` of its purpose) over the RFC
    8785 form of ``payload`` (RFC 7515 Appendix F detached form when ``detached``)."""
    key = ring.active
    return jwt.PyJWS().encode(
        canonical_json(payload),
        key.private,
        algorithm="EdDSA",
        headers={"kid": key.kid, "typ": ring.purpose.typ},
        is_payload_detached=detached,
    )


def _valid_at(jwk: dict[str, Any], at: datetime) -> None:
    when = at.timestamp()
    nbf, exp = jwk.get("nbf"), jwk.get("exp")
    if isinstance(nbf, int) and when < nbf - CLOCK_LEEWAY:
        raise ValueError(f"key {jwk.get('kid')!r} was not yet valid at {at.isoformat()}")
    if isinstance(exp, int) and when > exp + CLOCK_LEEWAY:
        raise ValueError(f"key {jwk.get('kid')!r} had been retired by {at.isoformat()}")


def verify_jws(
    token: str,
    jwks: dict[str, Any],
    detached: dict[str, Any] | None = None,
    typ: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The payload of a compact JWS signed by a key of ``jwks`` (or the detached payload it
    signs), of header ``typ`` and valid at ``at`` when given; ValueError otherwise."""
    try:
        header = jwt.get_unverified_header(token)
        keys = {k.get("kid"): k for k in jwks.get("keys", []) if isinstance(k, dict)}
        jwk = keys.get(header.get("kid"))
        if jwk is None:
            raise ValueError(f"no key {header.get('kid')!r} in the key set")
        if header.get("alg") != "EdDSA":
            raise ValueError("only EdDSA signatures are accepted")
        if typ is not None:
            if header.get("typ") != typ:
                raise ValueError(f"the signature's typ is {header.get('typ')!r}, not {typ!r}")
            if typ not in (jwk.get("signs") or []):
                raise ValueError(f"key {jwk.get('kid')!r} does not sign {typ!r}")
        if at is not None:
            _valid_at(jwk, at)
        key = jwt.PyJWK(jwk, algorithm="EdDSA")
        raw = jwt.PyJWS().decode(
            token,
            key=key.key,
            algorithms=["EdDSA"],
            detached_payload=None if detached is None else canonical_json(detached),
        )
    except (jwt.PyJWTError, KeyError, TypeError) as exc:
        raise ValueError(f"signature does not verify: {exc}") from None
    payload = json.loads(raw)
    if not isinstance(payload, dict):
        raise ValueError("the signed payload is not an object")
    return payload
