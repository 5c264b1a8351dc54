"""Which commits a commit message says it reverts (pure): ``git revert`` writes
``This reverts commit <sha>.`` (a revert of a merge adds ``, reversing changes made to
<sha>``, the merge's parent, which is not a target); some projects write a
``Reverts: <sha>`` line instead. Each target is a commit sha as written (7 to 40 hex
digits, lower case), once, in the order the message names them; a squash of several
reverts names several."""

from __future__ import annotations

import re
from typing import Any

_SAYS = re.compile(r"\bthis reverts commit ([0-9a-f]{7,40})\b", re.IGNORECASE)
_LINE = re.compile(r"^reverts:[ \t]*([0-9a-f]{7,40})[ \t]*$", re.IGNORECASE | re.MULTILINE)


def reverted_commits(message: str) -> list[str]:
    """The shas ``message`` says its commit reverts (empty when it reverts none)."""
    if "revert" not in message.lower():
        return []
    found = sorted(
        [
            (m.start(), m.group(1).lower())
            for m in (*_SAYS.finditer(message), *_LINE.finditer(message))
        ]
    )
    return list(dict.fromkeys(sha for _, sha in found))


def revert_metadata(message: str) -> dict[str, Any]:
    """``{"reverts": [...]}`` for a revert commit's metadata (``ledger.register.facts``),
    or nothing."""
    targets = reverted_commits(message)
    return {"reverts": targets} if targets else {}
