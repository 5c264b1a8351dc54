"""A wiki's edits as activities (pure): the kind each namespace's work is, who is a
bot, and what a revert and a reverted edit earn.

- Kinds: articles are ``content``; talk pages (every odd namespace) ``question``;
  templates, categories and the interface ``maintenance``; files ``design``; help
  pages ``doc``; Lua modules ``code``; the project namespace ``projectManagement``;
  a project may override any namespace.
- Bots: the source's bot flag (the bot group, a recent change marked bot), a name
  following the bot naming convention (ending in "bot", maybe with a short suffix:
  ``ClueBot NG``), a known automation account, or a name the project lists.
- Reverts: by default an edit that was reverted earns nothing (it is not recorded)
  and the revert is ``maintenance``; a self-revert (undoing only one's own edits)
  earns nothing either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intake.bots import is_bot
from intake.payload import Activity, Actor
from intake.wiki.edits import Edit, Editor, Site, WikiOptions

SOURCE = "mediawiki"
DEFAULT_KINDS: dict[int, str] = {
    0: "content",
    2: "content",
    4: "projectManagement",
    6: "design",
    8: "maintenance",
    10: "maintenance",
    12: "doc",
    14: "maintenance",
    828: "code",
}
_BOT_NAME = re.compile(r"bot(?:[ _-]?(?:[0-9]+|[IVX]{1,4}|NG))?$", re.IGNORECASE)


REVERT_TAGS = frozenset({"mw-rollback", "mw-undo", "mw-manual-revert"})
REVERTED_TAG = "mw-reverted"


@dataclass(frozen=True, slots=True)
class Judged:
    """An edit with its fate: the revision that undid it (and stood), the revisions it
    undid, and whether it undid only its own editor's work. A live wiki also tags
    reverts (``mw-rollback``, ``mw-undo``, ``mw-manual-revert``) and, later, the
    edits they undid (``mw-reverted``)."""

    edit: Edit
    reverted_by: int | None = None
    reverts: tuple[int, ...] = ()
    self_revert: bool = False

    @property
    def reverted(self) -> bool:
        return self.reverted_by is not None or REVERTED_TAG in self.edit.tags

    @property
    def is_revert(self) -> bool:
        return bool(self.reverts) or not REVERT_TAGS.isdisjoint(self.edit.tags)


def kind_of(namespace: int, options: WikiOptions) -> str:
    """The kind of work an edit in ``namespace`` is."""
    if namespace in options.kinds:
        return options.kinds[namespace]
    if namespace % 2 == 1:
        return "question"
    return DEFAULT_KINDS.get(namespace, "content")


def is_wiki_bot(editor: Editor, options: WikiOptions) -> bool:
    """True when the edit was made by automation."""
    if editor.bot:
        return True
    name = editor.name
    if not name:
        return False
    if name.lower() in options.bots or _BOT_NAME.search(name):
        return True
    return is_bot(name, None, None)


def actor_of(site: Site, editor: Editor, options: WikiOptions) -> Actor:
    """The wiki identity of an editor: its account, or the wiki's anonymous editors."""
    if editor.user_id is None:
        name = f"Anonymous editors of {site.name or site.wiki}"
        return Actor(SOURCE, f"{site.wiki}:anonymous", None, name[:200])
    bot = is_wiki_bot(editor, options)
    return Actor(SOURCE, f"{site.wiki}:{editor.user_id}", editor.name, editor.name, bot=bot)


def natural_key(site: Site, revision: int) -> str:
    """One contribution per revision of a wiki."""
    return f"{SOURCE}:{site.wiki}:rev:{revision}"


def activity_of(
    site: Site, judged: Judged, options: WikiOptions, actors: dict[Editor, Actor] | None = None
) -> Activity | None:
    """The contribution an edit is worth under the options; None when it earns nothing
    (``actors``: the identities of editors already seen, reused)."""
    edit = judged.edit
    if judged.reverted and options.reverted == "skip":
        return None
    if judged.self_revert:
        return None
    kind = kind_of(edit.namespace, options)
    metadata: dict[str, object] = {
        "wiki": site.wiki,
        "revision": edit.revision,
        "page": edit.page,
        "namespace": edit.namespace,
    }
    if judged.is_revert:
        kind = options.revert_kind or kind
        metadata["reverts"] = list(judged.reverts)
    if judged.reverted:
        metadata["reverted"] = True
    if judged.reverted_by is not None:
        metadata["reverted_by"] = judged.reverted_by
    if edit.editor.anonymous:
        metadata["anonymous"] = True
    known = actors.get(edit.editor) if actors is not None else None
    actor = known or actor_of(site, edit.editor, options)
    if actors is not None and known is None:
        actors[edit.editor] = actor
    url = site.revision_url(edit.revision)
    return Activity(actor, kind, edit.timestamp, natural_key(site, edit.revision), url, metadata)
