"""Receipts of secret ballots.

A receipt is 32 bytes from the operating system's strong random source, drawn afresh
each time a ballot is cast or replaced and stored beside that ballot only. It is
derived from nothing, neither the voter nor the ballot nor any key, so no one can
compute it from a voter id, two casts of the same ballot never share it, and a
replaced ballot's receipt disappears with it. The voter receives it in the answer to
their cast; at close the tally sheet lists ``receipt -> ballot`` for the ballots that
stand, in receipt order. What a receipt proves, and what the operator still sees:
``docs/secret-ballots.md``.
"""

from __future__ import annotations

import secrets

SIZE = 32


def new_receipt() -> bytes:
    """A fresh receipt for one cast of one ballot."""
    return secrets.token_bytes(SIZE)
