"""What is read leniently, always with a ``Notice``: deprecated ids (valid SPDX, read as
their successors) and ScanCode aliases (not SPDX, read as the id ScanCode means).

``+`` on a deprecated id reads as the successor's ``-or-later`` id where the list has
one (``GPL-2.0+`` -> ``GPL-2.0-or-later``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from licenses.spdx.catalogue import NO_SUCCESSOR, Catalogue
from licenses.spdx.lexer import Token
from licenses.spdx.tree import License, Node, With


@dataclass(frozen=True, slots=True)
class Notice:
    """Something read leniently: a deprecated id or a ScanCode alias, and its reading."""

    code: Literal["deprecated", "alias"]
    message: str
    position: int


def reading(text: str) -> License | With:
    """The node a successor or alias target names (``ID`` or ``ID WITH EXCEPTION``)."""
    license_id, _, exception = text.partition(" WITH ")
    return With(License(license_id), exception) if exception else License(license_id)


def or_later(lists: Catalogue, license_id: str) -> License:
    """``license_id+``, as the ``-or-later`` id when the list has one."""
    if license_id.endswith("-or-later"):
        return License(license_id)
    stem = license_id.removesuffix("-only")
    later = lists.license(stem + "-or-later") if stem != license_id else None
    return License(later) if later else License(license_id, or_later=True)


def exception(lists: Catalogue, listed: str, position: int) -> tuple[str, Notice | None]:
    """A listed exception id, its successor when it is deprecated."""
    if listed not in lists.deprecated:
        return listed, None
    successor = lists.successors[listed]
    message = f"{listed!r} is deprecated: read as {successor!r}"
    return successor, Notice("deprecated", message, position)


def deprecated(lists: Catalogue, listed: str, position: int, plus: bool) -> tuple[Node, Notice]:
    """A deprecated license id (``plus``: followed by ``+``) read as its successor."""
    if listed in NO_SUCCESSOR:
        message = f"{listed!r} is deprecated with no single successor: {NO_SUCCESSOR[listed]}"
        return License(listed, plus), Notice("deprecated", message, position)
    node: License | With = reading(lists.successors[listed])
    if plus:
        later = or_later(lists, node.license.id if isinstance(node, With) else node.id)
        node = With(later, node.addition) if isinstance(node, With) else later
    written = listed + ("+" if plus else "")
    message = f"{written!r} is deprecated: read as {node.render()!r}"
    return node, Notice("deprecated", message, position)


def alias(
    lists: Catalogue, text: str, words: list[Token], after: list[Token | None]
) -> tuple[Node, int, Notice] | None:
    """The longest ScanCode alias spelled by the first words of ``words`` (``after[i]``
    is the token after ``words[i]``): its reading, how many tokens it takes, a notice."""
    first = words[0]
    for count in range(len(words), 0, -1):
        tail = after[count - 1]
        plus = tail is not None and tail.kind == "+" and not tail.spaced
        spelled = " ".join(w.text.lower() for w in words[:count])
        for candidate, takes_plus in ((spelled + "+", True), (spelled, False)):
            if (takes_plus and not plus) or candidate not in lists.aliases:
                continue
            target = lists.aliases[candidate]
            last = words[count - 1]
            end = last.position + len(last.text) + int(takes_plus)
            message = (
                f"{text[first.position : end]!r} is a ScanCode alias, not an SPDX id: "
                f"read as {target!r}"
            )
            return (
                reading(target),
                count + int(takes_plus),
                Notice("alias", message, first.position),
            )
    return None
