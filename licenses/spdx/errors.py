"""The one error an SPDX expression is refused with, and its closed list of codes.

    InvalidInput (ledger.kernel.errors)
    └── ExpressionError     what is wrong (``code``) and where (``position``)

Codes:

- ``empty``: nothing but spaces
- ``too_long``: longer than ``MAX_LENGTH`` characters
- ``character``: a character no SPDX token contains
- ``whitespace``: a line break or tab (tokens are separated by spaces, on one line)
- ``operator_case``: an operator neither all upper nor all lower case (``And``)
- ``expected_license``: a license was expected (after an operator, after ``(``, at the start)
- ``expected_operator``: two licenses, or a license and ``(``, with no operator between
- ``unbalanced``: a ``(`` never closed, or a ``)`` closing nothing
- ``unknown_license``: not on the SPDX license list, nor a ``LicenseRef-``
- ``unknown_exception``: after ``WITH``, not on the SPDX exception list, nor an ``AdditionRef-``
- ``not_a_license``: an exception id where a license belongs
- ``not_an_exception``: a license id after ``WITH``
- ``plus``: ``+`` away from a license id (after a space, on a reference, twice)
- ``reference``: a malformed ``LicenseRef-``, ``DocumentRef-`` or ``AdditionRef-``
- ``standalone``: ``NONE`` or ``NOASSERTION`` combined with anything
- ``deprecated``, ``alias``: a deprecated id or a ScanCode alias, where only the
  current SPDX id is accepted (``normalize``; ``check`` reads them with a warning)
"""

from __future__ import annotations

from typing import Literal

from ledger.kernel.errors import InvalidInput

MAX_LENGTH = 1000

Code = Literal[
    "empty",
    "too_long",
    "character",
    "whitespace",
    "operator_case",
    "expected_license",
    "expected_operator",
    "unbalanced",
    "unknown_license",
    "unknown_exception",
    "not_a_license",
    "not_an_exception",
    "plus",
    "reference",
    "standalone",
    "deprecated",
    "alias",
]


class ExpressionError(InvalidInput):
    """An invalid SPDX expression: ``code`` says what, ``position`` (0-based) says where."""

    def __init__(self, reason: Code, message: str, position: int, detail: str = "") -> None:
        text = f"{message} at position {position}" + (f": {detail}" if detail else "")
        super().__init__(text, "licenseExpression")
        self.reason: Code = reason
        self.position = position
