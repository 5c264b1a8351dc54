"""The instance's Ed25519 signing keys: JWTs, signed reports and tree heads.

Keys live as PEM files under ``<data>/keys/``; the newest signs, every key stays
listed in the JWKS so anything signed before a rotation still verifies. A key's
``kid`` is its RFC 7638 JWK thumbprint.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.journal.canonical import sha256


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    """The OKP JWK of a public key, with its thumbprint ``kid``."""
    x = _b64(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    members = {"crv": "Ed25519", "kty": "OKP", "x": x}
    kid = _b64(sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()))
    return {**members, "kid": kid, "alg": "EdDSA", "use": "sig"}


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    created: int

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()


class KeyRing:
    """All keys of the instance; ``active`` signs, all verify."""

    def __init__(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise ValueError("a key ring needs at least one key")
        self.keys = sorted(keys, key=lambda k: (k.created, k.kid))
        self.by_kid = {k.kid: k for k in self.keys}

    @property
    def active(self) -> SigningKey:
        return self.keys[-1]

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JWK Set (newest first)."""
        return {"keys": [public_jwk(k.public) for k in reversed(self.keys)]}

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        """The public key with this kid, or None (never a lookup outside the ring)."""
        key = self.by_kid.get(kid)
        return key.public if key else None

    @classmethod
    def generate(cls) -> KeyRing:
        """An in-memory ring with one fresh key (tests, tools)."""
        return cls([_new_key()])


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


def load_or_create(folder: Path) -> KeyRing:
    """The ring stored in ``folder``, generating its first key on first start."""
    keys = [_load(p) for p in sorted(folder.glob("*.pem"))] if folder.exists() else []
    if not keys:
        key = _new_key()
        _save(folder, key)
        keys = [key]
    return KeyRing(keys)


def rotate(folder: Path) -> KeyRing:
    """Add a new active key; older keys stay for verification."""
    ring = load_or_create(folder)
    key = _new_key(max(time.time_ns(), ring.active.created + 1))
    _save(folder, key)
    return KeyRing([*ring.keys, key])
