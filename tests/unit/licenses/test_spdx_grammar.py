"""The parser against the SPDX grammar: generated token sequences are accepted exactly
when an independent reduction of the grammar accepts them, generated trees survive a
round trip, and no input makes the parser fail any other way than ExpressionError."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from licenses.spdx import And, ExpressionError, License, Node, Or, With, catalogue, check, parse

LISTS = catalogue()
LICENSE_IDS = sorted(v for v in LISTS.licenses.values() if v not in LISTS.deprecated)
EXCEPTION_IDS = sorted(v for v in LISTS.exceptions.values() if v not in LISTS.deprecated)


def cased(word: str) -> st.SearchStrategy[str]:
    """``word`` as written, all lower or all upper: ids match case-insensitively."""
    return st.sampled_from([word, word.lower(), word.upper()])


licenses = st.sampled_from(LICENSE_IDS).flatmap(cased)
exceptions = st.sampled_from(EXCEPTION_IDS).flatmap(cased)
refs = st.sampled_from(["LicenseRef-Acme", "DocumentRef-spdx-1:LicenseRef-a.1"])
additions = st.sampled_from(["AdditionRef-extra", "DocumentRef-d:AdditionRef-x"])

# (grammar class, text): L license id, R reference, E exception or addition,
# A AND, O OR, W WITH, + plus, and the parentheses.
TOKENS = st.one_of(
    licenses.map(lambda t: ("L", t)),
    refs.map(lambda t: ("R", t)),
    st.one_of(exceptions, additions).map(lambda t: ("E", t)),
    st.sampled_from(["AND", "and"]).map(lambda t: ("A", t)),
    st.sampled_from(["OR", "or"]).map(lambda t: ("O", t)),
    st.sampled_from(["WITH", "with"]).map(lambda t: ("W", t)),
    st.just(("+", "+")),
    st.just(("(", "(")),
    st.just((")", ")")),
)


def outcome(text: str) -> str | ExpressionError:
    """The canonical form of ``text``, or the error refusing it."""
    try:
        return check(text).expression
    except ExpressionError as exc:
        return exc


def grammar_accepts(classes: str) -> bool:
    """The SPDX grammar by rewriting: simple expressions, WITH, then AND / OR / ( )."""
    text = re.sub(r"L\+?|R", "s", classes)
    text = text.replace("sWE", "c").replace("s", "c")
    while True:
        reduced = re.sub(r"cAc|cOc|\(c\)", "c", text)
        if reduced == text:
            return text == "c"
        text = reduced


def written(tokens: list[tuple[str, str]], spaces: list[int]) -> str:
    """The tokens as text: ``+`` right after its license, others spaced."""
    out = ""
    for (kind, text), gap in zip(tokens, spaces, strict=False):
        out += text if kind == "+" or not out else " " * gap + text
    return out


@settings(max_examples=400, deadline=None)
@given(
    st.lists(TOKENS, min_size=1, max_size=9), st.lists(st.integers(1, 2), min_size=9, max_size=9)
)
def test_token_sequences_parse_exactly_when_the_grammar_accepts_them(
    tokens: list[tuple[str, str]], spaces: list[int]
) -> None:
    text = written(tokens, spaces)
    result = outcome(text)
    if isinstance(result, ExpressionError):
        assert 0 <= result.position <= len(text)
        assert f"at position {result.position}" in result.message
    accepted = isinstance(result, str)
    assert accepted == grammar_accepts("".join(kind for kind, _ in tokens)), text


def tokens_of(node: Node) -> list[tuple[str, str]]:
    """``node`` as grammar tokens, every operator parenthesised."""
    if isinstance(node, And | Or):
        op = ("A", "AND") if isinstance(node, And) else ("O", "OR")
        inner: list[tuple[str, str]] = []
        for index, arg in enumerate(node.args):
            inner += ([op] if index else []) + tokens_of(arg)
        return [("(", "("), *inner, (")", ")")]
    if isinstance(node, With):
        return [*tokens_of(node.license), ("W", "WITH"), ("E", node.addition)]
    assert isinstance(node, License)
    return [("R" if node.custom else "L", node.id)] + ([("+", "+")] if node.or_later else [])


@st.composite
def near_valid(draw: st.DrawFn) -> list[tuple[str, str]]:
    """A valid expression's tokens with at most one token dropped, repeated or moved."""
    tokens = tokens_of(draw(trees()))
    at = draw(st.integers(0, len(tokens) - 1))
    change = draw(st.sampled_from(["keep", "drop", "repeat", "swap"]))
    if change == "drop" and len(tokens) > 1:
        del tokens[at]
    elif change == "repeat":
        tokens.insert(at, tokens[at])
    elif change == "swap" and at + 1 < len(tokens):
        tokens[at], tokens[at + 1] = tokens[at + 1], tokens[at]
    return tokens


def trees() -> st.SearchStrategy[Node]:
    simple = st.one_of(
        st.builds(License, st.sampled_from(LICENSE_IDS), st.booleans()),
        st.builds(License, refs),
    )
    leaf = st.one_of(
        simple,
        st.builds(
            With,
            st.builds(License, st.sampled_from(LICENSE_IDS)),
            st.one_of(st.sampled_from(EXCEPTION_IDS), additions),
        ),
    )

    def joined(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        args = st.lists(inner, min_size=2, max_size=3).map(tuple)
        return st.one_of(args.map(And), args.map(Or))

    return st.recursive(leaf, joined, max_leaves=6)


def flat(node: Node) -> Node:
    """``node`` with nested operators of one kind flattened, as the parser builds it."""
    if isinstance(node, And | Or):
        args: list[Node] = []
        for arg in map(flat, node.args):
            args.extend(arg.args if type(arg) is type(node) else (arg,))
        return type(node)(tuple(args))
    return node


def spelled(node: Node, lower: bool) -> str:
    """``node`` fully parenthesised, operators in one case, ids in lower case."""
    if isinstance(node, And | Or):
        op = ("and" if lower else "AND") if isinstance(node, And) else ("or" if lower else "OR")
        return "(" + f" {op} ".join(spelled(a, lower) for a in node.args) + ")"
    if isinstance(node, With):
        return f"{spelled(node.license, lower)} {'with' if lower else 'WITH'} {node.addition}"
    assert isinstance(node, License)
    name = node.id if node.custom else node.id.lower()
    return name + ("+" if node.or_later else "")


@settings(max_examples=200, deadline=None)
@given(trees(), st.booleans())
def test_generated_trees_survive_writing_and_reading(node: Node, lower: bool) -> None:
    assert parse(spelled(node, lower)) == flat(node)
    canonical = flat(node).render()
    assert parse(canonical) == flat(node)
    assert check(canonical).expression == canonical


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("MITGPL-2.0+ ()ANDORWITHandorwith\t\nx:/é"), max_size=40))
def test_any_text_is_parsed_or_refused_with_a_position(text: str) -> None:
    result = outcome(text)
    if isinstance(result, ExpressionError):
        assert 0 <= result.position <= len(text)
    else:
        assert check(result).expression == result
