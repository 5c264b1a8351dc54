"""The SPDX 2.3 / 3.0 expression grammar, read token by token without recursion.

    expression = term *(OR term) ; term = unit *(AND unit)
    unit       = "(" expression ")" / simple [WITH addition]
    simple     = license-id ["+"] / [DocumentRef-x:]LicenseRef-y
    addition   = exception-id / [DocumentRef-x:]AdditionRef-y

``NONE`` and ``NOASSERTION`` stand alone. Deprecated ids and ScanCode aliases are read
as their successors, each leaving a ``Notice``; nothing else is ever rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from licenses.spdx import lenient
from licenses.spdx.catalogue import Catalogue, catalogue
from licenses.spdx.errors import ExpressionError
from licenses.spdx.lenient import Notice
from licenses.spdx.lexer import Token, tokenize
from licenses.spdx.tree import And, License, Node, Or, Special, With, join

_ID = r"[A-Za-z0-9.-]+"
LICENSE_REF = re.compile(rf"^LicenseRef-{_ID}$")
DOCUMENT_REF = re.compile(rf"^DocumentRef-{_ID}:LicenseRef-{_ID}$")
ADDITION_REF = re.compile(rf"^(DocumentRef-{_ID}:)?AdditionRef-{_ID}$")
_PREFIXES = ("licenseref-", "documentref-", "additionref-")
_SPECIAL: dict[str, Literal["NONE", "NOASSERTION"]] = {
    "NONE": "NONE",
    "NOASSERTION": "NOASSERTION",
}


@dataclass
class _Frame:
    opened_at: int | None
    alternatives: list[Node] = field(default_factory=list)
    parts: list[Node] = field(default_factory=list)

    def close(self) -> Node:
        return join(Or, [*self.alternatives, join(And, self.parts)])


def _found(token: Token | None) -> str:
    return "the end of the expression" if token is None else repr(token.text)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.notices: list[Notice] = []
        self.lists: Catalogue = catalogue()

    def peek(self, ahead: int = 0) -> Token | None:
        at = self.index + ahead
        return self.tokens[at] if at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def end(self) -> int:
        return len(self.text.rstrip(" "))

    def plus(self) -> bool:
        """Consume a ``+`` written right after the previous token."""
        token = self.peek()
        if token is None or token.kind != "+":
            return False
        if token.spaced:
            raise ExpressionError(
                "plus", "'+' must follow a license id without a space", token.position
            )
        self.take()
        return True

    def parse(self) -> Node:
        first = self.tokens[0]
        if first.kind == "word" and first.text in _SPECIAL:
            if len(self.tokens) > 1:
                raise ExpressionError(
                    "standalone",
                    f"{first.text} stands alone, it cannot be combined",
                    first.position,
                )
            return Special(_SPECIAL[first.text])
        stack = [_Frame(None)]
        want_license = True
        while (token := self.peek()) is not None:
            if want_license:
                if token.kind == "(":
                    self.take()
                    stack.append(_Frame(token.position))
                    continue
                if token.kind != "word":
                    raise ExpressionError(
                        "expected_license",
                        f"expected a license, found {_found(token)}",
                        token.position,
                    )
                stack[-1].parts.append(self.unit())
                want_license = False
                continue
            self.take()
            if token.kind == "AND":
                want_license = True
            elif token.kind == "OR":
                frame = stack[-1]
                frame.alternatives.append(join(And, frame.parts))
                frame.parts = []
                want_license = True
            elif token.kind == ")":
                if len(stack) == 1:
                    raise ExpressionError("unbalanced", "')' closes no '('", token.position)
                closed = stack.pop().close()
                stack[-1].parts.append(closed)
            elif token.kind == "WITH":
                raise ExpressionError(
                    "expected_operator",
                    "WITH follows a single license, not a parenthesised expression",
                    token.position,
                )
            elif token.kind == "+":
                raise ExpressionError("plus", "'+' must follow a license id", token.position)
            else:
                raise ExpressionError(
                    "expected_operator", f"expected AND or OR before {token.text!r}", token.position
                )
        if want_license:
            raise ExpressionError(
                "expected_license",
                "expected a license, found the end of the expression",
                self.end(),
            )
        if len(stack) > 1:
            opened = stack[-1].opened_at
            assert opened is not None
            raise ExpressionError("unbalanced", "'(' is never closed", opened)
        return stack[0].close()

    def unit(self) -> Node:
        start = self.peek()
        assert start is not None
        simple = self.simple()
        token = self.peek()
        if token is None or token.kind != "WITH":
            return simple
        if isinstance(simple, With):
            raise ExpressionError(
                "expected_operator",
                f"{start.text!r} already carries an exception ({simple.render()})",
                token.position,
            )
        self.take()
        addition = self.peek()
        if addition is None or addition.kind != "word":
            raise ExpressionError(
                "unknown_exception",
                f"expected an exception after WITH, found {_found(addition)}",
                addition.position if addition else self.end(),
            )
        self.take()
        assert isinstance(simple, License)
        return With(simple, self.addition(addition))

    def addition(self, token: Token) -> str:
        word = token.text
        if word.startswith(("DocumentRef-", "AdditionRef-")):
            if not ADDITION_REF.match(word):
                raise ExpressionError("reference", f"malformed reference {word!r}", token.position)
            self.refuse_plus()
            return word
        self.check_prefix_case(token)
        exception = self.lists.exception(word)
        if exception is None:
            if self.lists.license(word):
                raise ExpressionError(
                    "not_an_exception",
                    f"{self.lists.license(word)!r} is a license, not an exception",
                    token.position,
                )
            raise ExpressionError(
                "unknown_exception",
                f"unknown exception {word!r}",
                token.position,
                "not an SPDX exception id, nor an AdditionRef-",
            )
        self.refuse_plus()
        successor, notice = lenient.exception(self.lists, exception, token.position)
        if notice is not None:
            self.notices.append(notice)
        return successor

    def refuse_plus(self) -> None:
        token = self.peek()
        if token is not None and token.kind == "+":
            raise ExpressionError("plus", "'+' applies to license ids only", token.position)

    def check_prefix_case(self, token: Token) -> None:
        lower = token.text.lower()
        for prefix in _PREFIXES:
            if lower.startswith(prefix):
                written = token.text[: len(prefix)]
                proper = {"licenseref-": "LicenseRef-", "documentref-": "DocumentRef-"}.get(
                    prefix, "AdditionRef-"
                )
                raise ExpressionError(
                    "reference", f"write {proper!r}, not {written!r}", token.position
                )

    def simple(self) -> Node:
        token = self.take()
        word = token.text
        if word.startswith(("LicenseRef-", "DocumentRef-")):
            if not (LICENSE_REF.match(word) or DOCUMENT_REF.match(word)):
                raise ExpressionError("reference", f"malformed reference {word!r}", token.position)
            self.refuse_plus()
            return License(word)
        if word.startswith("AdditionRef-"):
            raise ExpressionError(
                "not_a_license", f"{word!r} is an addition: it only follows WITH", token.position
            )
        self.check_prefix_case(token)
        if word in _SPECIAL:
            raise ExpressionError(
                "standalone", f"{word} stands alone, it cannot be combined", token.position
            )
        after = self.peek()
        attached = after is not None and after.kind == "+" and not after.spaced
        if attached and (whole := self.lists.license(word + "+")):
            self.take()
            return self.note(lenient.deprecated(self.lists, whole, token.position, False))
        listed = self.lists.license(word)
        if listed is not None:
            or_later = self.plus()
            if listed in self.lists.deprecated:
                return self.note(lenient.deprecated(self.lists, listed, token.position, or_later))
            return License(listed, or_later)
        if self.lists.exception(word):
            raise ExpressionError(
                "not_a_license",
                f"{self.lists.exception(word)!r} is an exception: it only follows WITH",
                token.position,
            )
        alias = self.alias(token)
        if alias is not None:
            return alias
        raise ExpressionError(
            "unknown_license",
            f"unknown license {word!r}",
            token.position,
            "not an SPDX id, LicenseRef- or DocumentRef-",
        )

    def note(self, read: tuple[Node, Notice]) -> Node:
        self.notices.append(read[1])
        return read[0]

    def alias(self, token: Token) -> Node | None:
        words = [token]
        while (nxt := self.peek(len(words) - 1)) is not None and nxt.kind == "word":
            words.append(nxt)
        after = [self.peek(i) for i in range(len(words))]
        found = lenient.alias(self.lists, self.text, words, after)
        if found is None:
            return None
        node, taken, notice = found
        self.index += taken - 1
        self.notices.append(notice)
        return node


def parse(text: str) -> tuple[Node, list[Notice]]:
    """The expression's tree and what was read leniently; ExpressionError names the fault."""
    reader = _Reader(text)
    return reader.parse(), reader.notices
