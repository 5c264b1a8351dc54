"""A wiki's edits, in dump order, judged into batches of activities (pure): reverts
per page (a page's history continues across batches), each edit's contribution under
the import's options, one identity object per editor.

The dump reader hands edits over in chunks as it parses them (``intake.wiki.parse``);
judging them here, on the importer's side, leaves the reader to the XML alone.
Bots named by the dump's rights log arrive with the chunks (``add_bots``): an editor
is judged again once the log names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from intake.payload import Activity, Actor
from intake.wiki.dump import PageEdits
from intake.wiki.edits import Edit, Editor, Site, WikiOptions
from intake.wiki.mapping import Judged, activity_of
from intake.wiki.reverts import PageHistory


@dataclass(slots=True)
class Batch:
    """The activities of some revisions, how many were read and found reverted, and
    how far into the file (bytes) the reader is."""

    activities: list[Activity] = field(default_factory=list)
    revisions: int = 0
    reverted: int = 0
    position: int = 0

    def add(self, other: Batch) -> None:
        """Take in a later batch."""
        self.activities += other.activities
        self.revisions += other.revisions
        self.reverted += other.reverted
        self.position = max(self.position, other.position)


class Judge:
    """Judges a dump's edits as they come, page after page (``feed``)."""

    def __init__(self, site: Site, options: WikiOptions) -> None:
        self.site = site
        self.bots = set(options.bots)
        self.options = replace(options, bots=self.bots)  # grows with ``add_bots``
        self._page: int | None = None
        self._history = PageHistory(options.radius)
        self._actors: dict[Editor, Actor] = {}

    def add_bots(self, names: Iterable[str]) -> None:
        """Accounts the rights log put in the bot group; their next edits are a bot's."""
        new = set(names) - self.bots
        if new:
            self.bots |= new
            self._actors.clear()

    def _take(self, batch: Batch, judged: Judged) -> None:
        batch.revisions += 1
        batch.reverted += judged.reverted
        activity = activity_of(self.site, judged, self.options, self._actors)
        if activity is not None:
            batch.activities.append(activity)

    def _close_page(self, batch: Batch) -> None:
        for judged in self._history.close():
            self._take(batch, judged)
        self._page = None

    def feed(self, edits: Iterable[Edit], *, last: bool = False) -> Batch:
        """The batch of what these edits settle: a page's latest revisions wait for
        the page to end or for later revisions, unless these are the ``last``."""
        batch = Batch()
        for edit in edits:
            if edit.page != self._page:
                self._close_page(batch)
                self._page, self._history = edit.page, PageHistory(self.options.radius)
            for judged in self._history.add(edit):
                self._take(batch, judged)
        if last:
            self._close_page(batch)
        return batch


def batches(
    site: Site, pages: Iterable[PageEdits], options: WikiOptions, size: int
) -> Iterator[Batch]:
    """A dump's activities in batches of about ``size`` edits read, judged in this
    process (``options.bots`` may grow as the pages are read)."""
    judge = Judge(site, options)
    chunk: list[Edit] = []
    for page in pages:
        for edit in page.edits:
            chunk.append(edit)
            if len(chunk) >= size:
                judge.add_bots(options.bots)
                yield judge.feed(chunk)
                chunk = []
    judge.add_bots(options.bots)
    last = judge.feed(chunk, last=True)
    if last.revisions:
        yield last
