"""The records of a wiki's history (pure): the site, an edit and its editor, and the
switches of an import.

An editor is a registered account (the wiki's user id and name) or nobody in
particular: an edit saved from an IP address, or whose editor the wiki hides, has an
``Editor`` without id or name. The IP address is dropped where the edit is read and
never reaches the register or the journal.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ledger.kernel.errors import InvalidInput
from ledger.register.models import check_kind

_WIKI = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
REVERTED = ("skip", "record")


@dataclass(frozen=True, slots=True)
class Site:
    """The wiki: ``wiki`` names it among wikis (its database name, ``enwiki``)."""

    wiki: str
    name: str | None = None
    base: str | None = None

    def revision_url(self, revision: int) -> str | None:
        """A link to one revision that names no page (titles may hold IP addresses)."""
        if not self.base or not self.base.startswith(("http://", "https://")):
            return None
        return f"{self.base.rsplit('/', 1)[0]}/Special:Redirect/revision/{revision}"


@dataclass(frozen=True, slots=True)
class Editor:
    """Who saved an edit: an account, or nobody named (``user_id`` None)."""

    user_id: int | None
    name: str | None
    bot: bool = False

    @property
    def anonymous(self) -> bool:
        return self.user_id is None


def is_address(text: str) -> bool:
    """True when ``text`` is an IPv4 or IPv6 address (an anonymous editor)."""
    text = text.strip()
    if ":" not in text and not text[:1].isdigit():  # neither IPv6 nor dotted IPv4
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def editor_of(user_id: int | None, text: str | None, bot: bool = False) -> Editor:
    """The editor a source names; an IP address or a missing account is anonymous."""
    if not user_id or not text or is_address(text):
        return Editor(None, None, bot)
    return Editor(user_id, text, bot)


@dataclass(frozen=True, slots=True)
class Edit:
    """One saved revision of a page."""

    revision: int
    page: int
    namespace: int
    timestamp: datetime
    editor: Editor
    sha1: str | None
    tags: tuple[str, ...] = ()


def check_wiki(wiki: str) -> str:
    """A wiki's name among wikis: lower-case letters, digits, ``_ . -``."""
    wiki = wiki.strip().lower()
    if not _WIKI.match(wiki):
        raise InvalidInput("a wiki is named by 1-64 lower-case letters, digits, _ . -", "wiki")
    return wiki


@dataclass(frozen=True, slots=True)
class WikiOptions:
    """How edits are credited: kinds per namespace (over the defaults), bots named by
    the project, what a reverted edit and a revert earn, how far reverts reach."""

    kinds: Mapping[int, str] = field(default_factory=dict)
    bots: AbstractSet[str] = frozenset()
    reverted: str = "skip"
    revert_kind: str | None = "maintenance"
    radius: int = 15

    @classmethod
    def of(cls, settings: Mapping[str, Any], **given: Any) -> WikiOptions:
        """Options from a project's settings (``intake_bots``) and the caller's."""
        bots = {b.lower() for b in settings.get("intake_bots") or ()}
        bots |= {b.lower() for b in given.pop("bots", ())}
        return cls(bots=frozenset(bots), **given).validated()

    def validated(self, project_kinds: frozenset[str] = frozenset()) -> WikiOptions:
        """These options, checked; InvalidInput names the first bad one."""
        for kind in self.kinds.values():
            check_kind(kind, project_kinds)
        if self.revert_kind is not None:
            check_kind(self.revert_kind, project_kinds)
        if self.reverted not in REVERTED:
            raise InvalidInput(f"reverted must be one of {', '.join(REVERTED)}", "reverted")
        if not 1 <= self.radius <= 100:
            raise InvalidInput("the revert radius is 1 to 100 revisions", "radius")
        return self
