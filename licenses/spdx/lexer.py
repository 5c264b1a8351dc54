"""Split an SPDX expression into tokens, each with its position.

Tokens are separated by spaces only: SPDX expressions are one line, so line breaks
and tabs are refused where they stand. Operators are ``AND``/``OR``/``WITH`` in all
upper or all lower case (SPDX 3.0); ``And`` is refused rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from licenses.spdx.errors import MAX_LENGTH, ExpressionError

Kind = Literal["(", ")", "+", "word", "AND", "OR", "WITH"]

_WORD = re.compile(r"[A-Za-z0-9.:-]+")
_OPERATORS = ("AND", "OR", "WITH")


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str
    position: int
    spaced: bool
    """True when a space (or the start) comes right before the token."""


def _operator(text: str, position: int) -> Kind | None:
    upper = text.upper()
    if upper not in _OPERATORS:
        return None
    if text not in (upper, text.lower()):
        raise ExpressionError(
            "operator_case",
            f"operator {text!r} must be all upper case ({upper}) or all lower case "
            f"({text.lower()})",
            position,
        )
    kind: Kind = "AND" if upper == "AND" else "OR" if upper == "OR" else "WITH"
    return kind


def _refuse(char: str, position: int) -> ExpressionError:
    if char in "\r\n":
        return ExpressionError(
            "whitespace", "a line break: an SPDX expression is written on one line", position
        )
    if char.isspace():
        return ExpressionError(
            "whitespace", f"{char!r}: tokens are separated by spaces only", position
        )
    return ExpressionError("character", f"invalid character {char!r}", position)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; ExpressionError names the first character that is wrong."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            "too_long", f"license expression is longer than {MAX_LENGTH} characters", MAX_LENGTH
        )
    tokens: list[Token] = []
    index, spaced = 0, True
    while index < len(text):
        char = text[index]
        if char == " ":
            index, spaced = index + 1, True
            continue
        if char in "()+":
            kind: Kind = "(" if char == "(" else ")" if char == ")" else "+"
            tokens.append(Token(kind, char, index, spaced))
            index, spaced = index + 1, False
            continue
        match = _WORD.match(text, index)
        if match is None:
            raise _refuse(char, index)
        word = match.group()
        tokens.append(Token(_operator(word, index) or "word", word, index, spaced))
        index, spaced = match.end(), False
    if not tokens:
        raise ExpressionError("empty", "license expression is empty", 0)
    return tokens
