"""SPDX license expressions: parse strictly, normalise, and say what was read leniently.

The contract:

- ``check(text)`` -> ``Checked``: the canonical expression plus warnings for what was
  read leniently (a deprecated id read as its successor, a ScanCode alias read as the
  SPDX id). Anything else that is not SPDX raises ``ExpressionError`` (an
  ``InvalidInput``) with a code from a closed list and the position of the fault.
- ``normalize(text)``: the canonical expression, refusing what ``check`` would warn
  about (for callers that cannot show a warning).
- ``parse(text)``: the tree (``License``, ``With``, ``And``, ``Or``, ``Special``).

Where each rule lives: tokens and whitespace -> ``lexer``; the grammar -> ``parser``;
the SPDX lists, deprecated ids and aliases -> ``catalogue``; the tree and its
rendering -> ``tree``; the error codes -> ``errors``.

Custom references (``LicenseRef-x``, ``DocumentRef-d:LicenseRef-x``, ``AdditionRef-x``)
are kept verbatim: they mean what the project that wrote them says.
"""

from __future__ import annotations

from dataclasses import dataclass

from licenses.spdx.catalogue import LIST_VERSION, catalogue
from licenses.spdx.errors import MAX_LENGTH, ExpressionError
from licenses.spdx.lenient import Notice
from licenses.spdx.parser import ADDITION_REF, DOCUMENT_REF, LICENSE_REF
from licenses.spdx.parser import parse as _parse
from licenses.spdx.tree import And, License, Node, Or, Special, Term, With, terms

__all__ = [
    "ADDITION_REF",
    "DOCUMENT_REF",
    "LICENSE_REF",
    "LIST_VERSION",
    "MAX_LENGTH",
    "And",
    "Checked",
    "ExpressionError",
    "License",
    "Node",
    "Notice",
    "Or",
    "Special",
    "Term",
    "With",
    "catalogue",
    "check",
    "is_custom",
    "license_keys",
    "license_refs",
    "normalize",
    "parse",
    "terms",
]


@dataclass(frozen=True, slots=True)
class Checked:
    """A valid expression in canonical form and what was read leniently to get it."""

    expression: str
    warnings: tuple[str, ...] = ()


def parse(text: str) -> Node:
    """The tree of ``text`` (deprecated ids and aliases read as their successors)."""
    node, _ = _parse(text)
    return node


def check(text: str) -> Checked:
    """The canonical form of ``text`` and a warning for each lenient reading."""
    node, notices = _parse(text)
    return Checked(node.render(), tuple(f"{n.message} (position {n.position})" for n in notices))


def normalize(text: str) -> str:
    """The canonical form of ``text``; deprecated ids and aliases are refused here."""
    node, notices = _parse(text)
    if notices:
        first = notices[0]
        raise ExpressionError(first.code, f"{first.message}; write that instead", first.position)
    return node.render()


def is_custom(key: str) -> bool:
    """True for a LicenseRef- or DocumentRef-...:LicenseRef- reference."""
    return bool(LICENSE_REF.match(key) or DOCUMENT_REF.match(key))


def license_refs(expression: str) -> set[str]:
    """The project-local ``LicenseRef-`` references an expression names."""
    return {t.id for t in _licenses(parse(expression)) if t.id.startswith("LicenseRef-")}


def license_keys(expression: str) -> list[str]:
    """Every license and exception id an expression names, in order, once each."""
    keys: list[str] = []
    for term in terms(parse(expression)):
        if isinstance(term, With):
            keys += [term.license.render(), term.addition]
        else:
            keys.append(term.render())
    return list(dict.fromkeys(keys))


def _licenses(node: Node) -> list[License]:
    return [t.license if isinstance(t, With) else t for t in terms(node)]
