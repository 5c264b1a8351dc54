"""The instance's Ed25519 signing keys: one ring per purpose, listed together in the JWKS.

Each purpose has keys of its own and signs one kind of object only:

==============  ======================  =======================================
purpose         signs (JWS ``typ``)      what
==============  ======================  =======================================
``tokens``      ``JWT``                 access tokens (``app.auth``)
``tree-heads``  ``tree-head+jws``       signed tree heads (``ledger.journal.heads``)
``reports``     ``commons-report+jws``  transparency reports (``reports.build``)
``checkpoints`` ``tlog-checkpoint``     C2SP checkpoints (``ledger.journal.notes``)
==============  ======================  =======================================

Keys live as PEM files under ``<data>/keys/<purpose>/``; in each ring the newest key
signs and every key stays listed, so anything signed before a rotation still
verifies. A key's ``kid`` is its RFC 7638 JWK thumbprint. The JWKS states for each key
what it signs (``signs``, the JWS ``typ`` values) and when it was valid: ``nbf`` (its
creation) and, once a newer key of its purpose took over, ``exp`` (NumericDate
seconds). Keys of an instance that predates the split (PEM files directly under
``<data>/keys/``) stay listed as retired keys of every purpose.
"""

from __future__ import annotations

import base64
import json
import math
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.journal.canonical import sha256


@dataclass(frozen=True, slots=True)
class Purpose:
    """What one ring's keys sign: its folder name and the JWS ``typ`` it signs."""

    name: str
    typ: str


TOKENS = Purpose("tokens", "JWT")
TREE_HEADS = Purpose("tree-heads", "tree-head+jws")
REPORTS = Purpose("reports", "commons-report+jws")
CHECKPOINTS = Purpose("checkpoints", "tlog-checkpoint")
PURPOSES = (TOKENS, TREE_HEADS, REPORTS, CHECKPOINTS)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def raw_public(public: Ed25519PublicKey) -> bytes:
    """The 32 bytes of an Ed25519 public key (RFC 8032 encoding)."""
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    """The OKP JWK of a public key, with its thumbprint ``kid``."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": _b64(raw_public(public))}
    kid = _b64(sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()))
    return {**members, "kid": kid, "alg": "EdDSA", "use": "sig"}


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    created: int
    """Nanoseconds since the epoch."""

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()


class KeyRing:
    """The keys of one purpose; ``active`` (the newest) signs, all verify."""

    def __init__(self, keys: list[SigningKey], purpose: Purpose = TOKENS) -> None:
        if not keys:
            raise ValueError("a key ring needs at least one key")
        self.purpose = purpose
        self.keys = sorted(keys, key=lambda k: (k.created, k.kid))
        self.by_kid = {k.kid: k for k in self.keys}

    @property
    def active(self) -> SigningKey:
        return self.keys[-1]

    def jwk(self, key: SigningKey) -> dict[str, Any]:
        """The published form of one key: what it signs and when it was valid."""
        jwk: dict[str, Any] = {
            **public_jwk(key.public),
            "signs": [self.purpose.typ],
            "nbf": key.created // 1_000_000_000,
        }
        later = [k.created for k in self.keys if k.created > key.created]
        if later:
            jwk["exp"] = math.ceil(min(later) / 1_000_000_000)
        return jwk

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JWK Set (newest first)."""
        return {"keys": [self.jwk(k) for k in reversed(self.keys)]}

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        """The public key with this kid, or None (never a lookup outside the ring)."""
        key = self.by_kid.get(kid)
        return key.public if key else None

    @classmethod
    def generate(cls, purpose: Purpose = TOKENS) -> KeyRing:
        """An in-memory ring with one fresh key (tests, tools)."""
        return cls([_new_key()], purpose)


@dataclass(frozen=True, slots=True)
class InstanceKeys:
    """The instance's rings, one per purpose."""

    tokens: KeyRing
    tree_heads: KeyRing
    reports: KeyRing
    checkpoints: KeyRing

    def rings(self) -> tuple[KeyRing, ...]:
        return (self.tokens, self.tree_heads, self.reports, self.checkpoints)

    def jwks(self) -> dict[str, Any]:
        """Every public key of every purpose (newest first); a key listed by several
        rings (a pre-split key) appears once with all it signs and its latest expiry."""
        merged: dict[str, dict[str, Any]] = {}
        created: dict[str, int] = {}
        for ring in self.rings():
            for key in ring.keys:
                created[key.kid] = key.created
                jwk = ring.jwk(key)
                seen = merged.setdefault(key.kid, {**jwk, "signs": []})
                seen["signs"] = sorted({*seen["signs"], *jwk["signs"]})
                if "exp" in jwk and "exp" in seen:
                    seen["exp"] = max(seen["exp"], jwk["exp"])
                elif "exp" not in jwk:
                    seen.pop("exp", None)
        newest = sorted(merged.values(), key=lambda k: (-created[k["kid"]], k["kid"]))
        return {"keys": newest}

    @classmethod
    def generate(cls) -> InstanceKeys:
        """In-memory rings with one fresh key each (tests, tools)."""
        return cls(*(KeyRing.generate(p) for p in PURPOSES))


def _new_key(created: int | None = None) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    return SigningKey(public_jwk(private.public_key())["kid"], private, created or time.time_ns())


def _load(path: Path) -> SigningKey:
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    created = int(path.stem.split("-")[0])
    return SigningKey(public_jwk(private.public_key())["kid"], private, created)


def _save(folder: Path, key: SigningKey) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = key.private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = folder / f"{key.created}-{key.kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


def _stored(folder: Path) -> list[SigningKey]:
    return [_load(p) for p in sorted(folder.glob("*.pem"))] if folder.exists() else []


def _ring(folder: Path, purpose: Purpose, legacy: list[SigningKey]) -> KeyRing:
    own = _stored(folder / purpose.name)
    if not own:
        newest = max((k.created for k in legacy), default=0)
        key = _new_key(max(time.time_ns(), newest + 1))
        _save(folder / purpose.name, key)
        own = [key]
    return KeyRing([*legacy, *own], purpose)


def load_or_create(folder: Path) -> InstanceKeys:
    """The rings stored in ``folder``, generating a purpose's first key on first start."""
    legacy = _stored(folder)
    return InstanceKeys(*(_ring(folder, p, legacy) for p in PURPOSES))


def rotate(folder: Path, purposes: Iterable[Purpose] = PURPOSES) -> InstanceKeys:
    """Add a new active key to each purpose named; older keys stay for verification."""
    wanted = {p.name for p in purposes}
    keys = load_or_create(folder)
    for ring in keys.rings():
        if ring.purpose.name in wanted:
            key = _new_key(max(time.time_ns(), ring.active.created + 1))
            _save(folder / ring.purpose.name, key)
    return load_or_create(folder)
