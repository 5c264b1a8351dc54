"""Receipts of secret ballots.

When a proposal with secret ballots opens, 32 random bytes are drawn and kept in
``proposal_secrets`` (never published or journaled). Each voter's key is
``HMAC-SHA256(proposal_secret, "voter-key:<proposal>:<voter>")`` and is handed only to
that voter, in the answer to their own ballot. A ballot's receipt is
``HMAC-SHA256(voter_key, RFC8785(ballot))``. The tally sheet lists receipt -> ballot:
a voter recomputes their receipt from their key and finds their ballot; anyone can
recount the sheet; and since receipts are keyed by a secret nobody else holds, no one
can enumerate voter ids to learn who cast which (a plain hash of a voter id could be).
A random per-proposal secret, rather than one derived from the instance signing key,
survives key rotation and keeps proposals unlinkable to each other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from ledger.journal.canonical import canonical_json


def new_secret() -> bytes:
    """Fresh key material for one proposal."""
    return secrets.token_bytes(32)


def voter_key(proposal_secret: bytes, proposal_id: int, voter_id: int) -> bytes:
    """The key only this voter receives for this proposal."""
    label = f"voter-key:{proposal_id}:{voter_id}".encode()
    return hmac.new(proposal_secret, label, hashlib.sha256).digest()


def receipt(key: bytes, ballot: dict[str, Any]) -> bytes:
    """``HMAC-SHA256(key, canonical ballot)``."""
    return hmac.new(key, canonical_json(ballot), hashlib.sha256).digest()


def verify(key: bytes, ballot: dict[str, Any], published: bytes) -> bool:
    """Whether ``published`` is this ballot's receipt under ``key`` (constant time)."""
    return hmac.compare_digest(receipt(key, ballot), published)
