"""SPDX license expressions: parse, validate and normalise (AND, OR, WITH, ``+``,
LicenseRef-, DocumentRef-) with the SPDX licensing of ``license-expression``.

Custom references (``LicenseRef-x``, ``DocumentRef-d:LicenseRef-x``) are kept
verbatim: the library's index maps some LicenseRef- names onto SPDX ids (its
ScanCode aliases), which would silently change what a project declared, so the
licensing used here is the SPDX one without those aliases.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from license_expression import (
    ExpressionError,
    ExpressionParseError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
    get_spdx_licensing,
)

from ledger.kernel.errors import InvalidInput

MAX_LENGTH = 1000
_REF = r"LicenseRef-[A-Za-z0-9.-]+"
_BAD_CHARACTER = re.compile(r"[^A-Za-z0-9_.:+()\s-]")
LICENSE_REF = re.compile(rf"^{_REF}$")
DOCUMENT_REF = re.compile(rf"^DocumentRef-[A-Za-z0-9.-]+:{_REF}$")


@cache
def licensing() -> Licensing:
    """The SPDX licensing without LicenseRef- aliases (built once, on first use)."""
    spdx = get_spdx_licensing()
    symbols = {}
    for symbol in spdx.known_symbols.values():
        if symbol.key.startswith("LicenseRef-") or symbol.key in symbols:
            continue
        aliases = tuple(a for a in symbol.aliases if not a.lower().startswith("licenseref-"))
        symbols[symbol.key] = LicenseSymbol(
            symbol.key, aliases=aliases, is_exception=symbol.is_exception
        )
    return Licensing(list(symbols.values()))


def is_custom(key: str) -> bool:
    """True for a LicenseRef- or DocumentRef-...:LicenseRef- reference."""
    return bool(LICENSE_REF.match(key) or DOCUMENT_REF.match(key))


def _unbalanced(expression: str) -> int:
    depth, opened = 0, []
    for index, char in enumerate(expression):
        if char == "(":
            depth += 1
            opened.append(index)
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
            opened.pop()
    return opened[0] if opened else len(expression)


def _where(expression: str, token: str, start: int = 0) -> int:
    found = expression.lower().find(token.lower(), start)
    return found if found >= 0 else start


def _check_symbol(expression: str, symbol: LicenseSymbol, at: int) -> None:
    known = licensing().known_symbols
    key = symbol.key
    position = _where(expression, key, at)
    if symbol.is_exception or key in known:
        return
    if is_custom(key):
        return
    base = key.removesuffix("+")
    if key.endswith("+") and is_custom(base):
        raise InvalidInput(
            f"'+' applies to SPDX license ids, not to {base!r} (position {position})",
            "licenseExpression",
        )
    if key.endswith("+") and base in known:
        return
    raise InvalidInput(
        f"unknown license {key!r} at position {position}: not an SPDX id, "
        "LicenseRef- or DocumentRef-",
        "licenseExpression",
    )


def parse(expression: str) -> Any:
    """The parsed expression; InvalidInput says what is wrong and where."""
    text = expression.strip()
    if not text:
        raise InvalidInput("license expression is empty", "licenseExpression")
    if len(text) > MAX_LENGTH:
        raise InvalidInput(
            f"license expression is longer than {MAX_LENGTH} characters", "licenseExpression"
        )
    bad = _BAD_CHARACTER.search(text)
    if bad:
        raise InvalidInput(
            f"invalid character {bad.group()!r} at position {bad.start()}", "licenseExpression"
        )
    spdx = licensing()
    try:
        parsed = spdx.parse(text, validate=False, strict=True)
        tokens = list(spdx.tokenize(text, strict=True))
    except ExpressionParseError as exc:
        if exc.position is None or exc.position < 0:
            at = _unbalanced(text)
            raise InvalidInput(
                f"invalid license expression: incomplete or unbalanced at position {at}",
                "licenseExpression",
            ) from None
        message = str(exc).split(" for token:")[0].rstrip(".")
        raise InvalidInput(
            f"invalid license expression: {message} (token {exc.token_string!r} "
            f"at position {exc.position})",
            "licenseExpression",
        ) from None
    except ExpressionError as exc:
        raise InvalidInput(
            f"invalid license expression: {exc} (at position {len(text)})", "licenseExpression"
        ) from None
    for token in tokens:
        obj, _, position = token
        if isinstance(obj, LicenseWithExceptionSymbol):
            _check_symbol(text, obj.license_symbol, position)
            _check_symbol(text, obj.exception_symbol, position)
        elif isinstance(obj, LicenseSymbol):
            _check_symbol(text, obj, position)
    return parsed


def normalize(expression: str) -> str:
    """The canonical form of an SPDX expression (SPDX ids, upper-case operators)."""
    rendered: str = parse(expression).render()
    return rendered


def license_refs(expression: str) -> set[str]:
    """The project-local ``LicenseRef-`` references an expression names."""
    keys = licensing().license_keys(parse(expression))
    return {k for k in keys if LICENSE_REF.match(k)}


def license_keys(expression: str) -> list[str]:
    """Every license and exception id an expression names, in order, once each."""
    keys: list[str] = licensing().license_keys(parse(expression))
    return keys
