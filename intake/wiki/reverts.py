"""Identity reverts in one page's history (pure): a revision whose content (sha1)
equals one of the last ``radius`` revisions' undoes those in between
(``mwreverts.Detector``). A revert that is itself undone does not stand: the
revisions it undid count as not reverted.

Histories stream: a revision is handed on once no later revision can change its
fate (``2 * radius`` revisions later, or when the page ends), so memory stays flat
whatever the length of a page's history.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import mwreverts

from intake.wiki.edits import Edit
from intake.wiki.mapping import Judged


@dataclass(slots=True)
class _Entry:
    edit: Edit
    reverted_by: int | None = None
    reverts: list[_Entry] = field(default_factory=list)

    def judged(self) -> Judged:
        own = self.edit.editor
        selfish = bool(self.reverts) and all(
            r.edit.editor.user_id is not None and r.edit.editor == own for r in self.reverts
        )
        targets = tuple(r.edit.revision for r in self.reverts)
        return Judged(self.edit, self.reverted_by, targets, selfish)


class PageHistory:
    """The revisions of one page, in order; ``add`` and ``close`` hand back settled ones."""

    def __init__(self, radius: int = 15) -> None:
        self.radius = radius
        self._detector = mwreverts.Detector(radius=radius)
        self._open: deque[_Entry] = deque()

    def add(self, edit: Edit) -> list[Judged]:
        """Take the page's next revision; the revisions whose fate is now settled."""
        entry = _Entry(edit)
        checksum = edit.sha1 or f"unknown:{edit.revision}"
        revert = self._detector.process(checksum, entry)
        if revert is not None:
            for undone in revert.reverteds:
                for target in undone.reverts:  # a revert undone: its targets stand
                    if target.reverted_by == undone.edit.revision:
                        target.reverted_by = None
                undone.reverted_by = edit.revision
            entry.reverts = list(revert.reverteds)
        self._open.append(entry)
        settled = []
        while len(self._open) > 2 * self.radius:
            settled.append(self._open.popleft().judged())
        return settled

    def close(self) -> list[Judged]:
        """The page ended: every remaining revision, settled."""
        settled = [e.judged() for e in self._open]
        self._open.clear()
        return settled
