"""The license check the register needs but cannot import: ``licenses`` sits above
``ledger``, so the app (the composition root) puts the SPDX checker in the context.

A checker returns the canonical expression and what it read leniently (a deprecated
id, a ScanCode alias), or raises ``InvalidInput`` naming the position of the fault.
"""

from __future__ import annotations

from typing import Protocol


class CheckedLicense(Protocol):
    """A valid license expression in canonical form and the warnings reading it gave."""

    @property
    def expression(self) -> str: ...

    @property
    def warnings(self) -> tuple[str, ...]: ...


class LicenseChecker(Protocol):
    """``check(expression)``: the checked expression, or InvalidInput saying where."""

    def __call__(self, expression: str, /) -> CheckedLicense: ...
