"""The parsed form of an SPDX expression and its canonical rendering.

Precedence follows the SPDX grammar: ``+`` binds tightest, then ``WITH``, ``AND``,
``OR``. Nested operators of one kind are flattened (both are associative), and the
rendering puts parentheses around every ``AND`` inside an ``OR`` and nowhere else
(``AND`` binds tighter, but readers should not need to know), so rendering the parse
of a rendering gives the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LICENSE_REF_PREFIX = "LicenseRef-"
ADDITION_REF_PREFIX = "AdditionRef-"
DOCUMENT_REF_PREFIX = "DocumentRef-"


@dataclass(frozen=True, slots=True)
class License:
    """A license id from the SPDX list (``or_later`` for ``+``) or a ``LicenseRef-``."""

    id: str
    or_later: bool = False

    @property
    def custom(self) -> bool:
        return self.id.startswith((LICENSE_REF_PREFIX, DOCUMENT_REF_PREFIX))

    def render(self) -> str:
        return f"{self.id}+" if self.or_later else self.id


@dataclass(frozen=True, slots=True)
class With:
    """A license with an addition: an SPDX exception id or an ``AdditionRef-``."""

    license: License
    addition: str

    def render(self) -> str:
        return f"{self.license.render()} WITH {self.addition}"


@dataclass(frozen=True, slots=True)
class And:
    """All of ``args`` apply (two or more, none of them an ``And``)."""

    args: tuple[Node, ...]

    def render(self) -> str:
        return " AND ".join(
            f"({a.render()})" if isinstance(a, Or) else a.render() for a in self.args
        )


@dataclass(frozen=True, slots=True)
class Or:
    """A choice among ``args`` (two or more, none of them an ``Or``)."""

    args: tuple[Node, ...]

    def render(self) -> str:
        return " OR ".join(
            f"({a.render()})" if isinstance(a, And) else a.render() for a in self.args
        )


@dataclass(frozen=True, slots=True)
class Special:
    """``NONE`` (no license applies) or ``NOASSERTION`` (nothing is asserted)."""

    name: Literal["NONE", "NOASSERTION"]

    def render(self) -> str:
        return self.name


Term = License | With
"""A leaf of an expression: what one license (and its addition) says."""

Node = License | With | And | Or | Special


def join(kind: type[And] | type[Or], args: list[Node]) -> Node:
    """``args`` joined by ``kind``, nested joins of the same kind flattened."""
    flat: list[Node] = []
    for arg in args:
        flat.extend(arg.args if isinstance(arg, kind) else (arg,))
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def terms(node: Node) -> list[Term]:
    """Every leaf of ``node``, left to right."""
    if isinstance(node, And | Or):
        return [t for arg in node.args for t in terms(arg)]
    if isinstance(node, Special):
        return []
    return [node]
