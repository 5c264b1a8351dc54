"""A repository's ``.mailmap``: git's own answer to "which emails are one person".

Parsed by git's rules (``gitmailmap(5)``): ``Proper Name <commit@email>`` names the
person behind an address; ``<proper@email> <commit@email>`` and ``Proper Name
<proper@email> [Commit Name] <commit@email>`` also say that the commit address is
another address of the proper one (emails compare case-insensitively; a line with a
commit name applies only to commits with that name); ``#`` starts a comment.

On import the proper names become display names of new contributors, and each
(commit address, proper address) pair whose identities the project knows is kept in
``mailmap_links``: merge suggestions (``intake.suggestions``) a maintainer accepts in
one step (``accept``), or merges applied at once when the project's
``intake_mailmap`` setting is ``apply``. Addresses are looked up by their pseudonym;
none is stored here.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from intake import merges
from ledger.kernel.pseudonyms import Pseudonyms

_PART = re.compile(r"\s*([^<>]*?)\s*<([^<>]*)>")
_LINKS = """
INSERT INTO mailmap_links (project_id, identity_id, proper_identity_id)
SELECT $1, a.id, p.id
FROM unnest($2::text[], $3::text[]) AS u(alias, proper)
JOIN identities a ON a.source = 'git' AND a.external_id = u.alias
JOIN identities p ON p.source = 'git' AND p.external_id = u.proper
WHERE a.id <> p.id
ON CONFLICT (project_id, identity_id) DO NOTHING RETURNING identity_id
"""
_OPEN = """
SELECT coalesce(a.merged_into, a.id) AS alias, coalesce(p.merged_into, p.id) AS proper
FROM mailmap_links l
JOIN identities ia ON ia.id = l.identity_id JOIN contributors a ON a.id = ia.contributor_id
JOIN identities ip ON ip.id = l.proper_identity_id JOIN contributors p ON p.id = ip.contributor_id
WHERE l.project_id = $1 AND coalesce(a.merged_into, a.id) <> coalesce(p.merged_into, p.id)
ORDER BY l.identity_id
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """One mailmap line: the proper name and/or email for a commit email (and name)."""

    proper_name: str | None
    proper_email: str | None
    commit_email: str
    commit_name: str | None = None


def parse(text: str) -> list[Entry]:
    """The entries of a ``.mailmap`` text (lines that are not entries are ignored)."""
    found = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0] if "#" in raw else raw
        parts, end = [], 0
        while match := _PART.match(line, end):
            parts.append((match.group(1), match.group(2).strip().lower()))
            end = match.end()
        if not parts or line[end:].strip():
            continue
        (name, email), rest = parts[0], parts[1:]
        if not rest:
            if name and email:
                found.append(Entry(name, None, email))
            continue
        commit_name, commit_email = rest[0]
        if commit_email:
            found.append(Entry(name or None, email or None, commit_email, commit_name or None))
    return found


@dataclass(frozen=True, slots=True)
class Mailmap:
    """A parsed mailmap, looked up as git does (name-and-email entries first)."""

    entries: tuple[Entry, ...] = ()
    _by_email: dict[str, Entry] = field(default_factory=dict, compare=False)
    _by_both: dict[tuple[str, str], Entry] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, entries: list[Entry]) -> Mailmap:
        """The lookup tables of ``entries`` (a later line wins, as in git)."""
        mailmap = cls(tuple(entries))
        for e in entries:
            if e.commit_name:
                mailmap._by_both[(e.commit_email, e.commit_name.lower())] = e
            else:
                mailmap._by_email[e.commit_email] = e
        return mailmap

    def _entry(self, name: str, email: str) -> Entry | None:
        address = email.strip().lower()
        return self._by_both.get((address, name.strip().lower())) or self._by_email.get(address)

    def name_for(self, name: str, email: str) -> str:
        """The proper name of a commit's author, or the name it gave."""
        if not self.entries:
            return name
        entry = self._entry(name, email)
        return entry.proper_name if entry and entry.proper_name else name

    def pairs(self) -> list[tuple[str, str]]:
        """(commit email, proper email) for every entry mapping one address to another."""
        return sorted(
            {
                (e.commit_email, e.proper_email)
                for e in self.entries
                if e.proper_email and e.proper_email != e.commit_email
            }
        )


async def read_mailmap(path: Path) -> Mailmap:
    """The ``.mailmap`` of the repository's HEAD (empty when it has none)."""
    process = await asyncio.create_subprocess_exec(
        "git", "-C", str(path), "show", "HEAD:.mailmap",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    out, _ = await process.communicate()
    if process.returncode != 0:
        return Mailmap()
    return Mailmap.of(parse(out.decode("utf-8", "replace")))


async def record_links(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, mailmap: Mailmap, keys: Pseudonyms
) -> int:
    """Keep the mailmap's pairs whose two identities exist; how many were new."""
    pairs = mailmap.pairs()
    if not pairs:
        return 0
    rows = await conn.fetch(
        _LINKS,
        project_id,
        [keys.email(alias) for alias, _ in pairs],
        [keys.email(proper) for _, proper in pairs],
    )
    return len(rows)


async def open_pairs(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> list[tuple[int, int]]:
    """(alias, proper) contributors of the mailmap links not merged yet."""
    return [(r["alias"], r["proper"]) for r in await conn.fetch(_OPEN, project_id)]


async def accept(conn: asyncpg.Connection, project_id: int, actor: str) -> list[int]:
    """Merge every open mailmap pair, the alias into the proper address's contributor
    (caller's transaction, journaled by each merge); the merge ids."""
    made: list[int] = []
    while pairs := await open_pairs(conn, project_id):
        alias, proper = pairs[0]
        made.append(await merges.merge(conn, project_id, alias, proper, actor))
    return made


async def settle(
    pool: asyncpg.Pool, project_id: int, mailmap: Mailmap, keys: Pseudonyms, policy: str
) -> tuple[int, int]:
    """After an import: record the links, and merge them when the policy is ``apply``;
    (links new, merges made)."""
    links = await record_links(pool, project_id, mailmap, keys)
    if policy != "apply":
        return links, 0
    async with pool.acquire() as conn, conn.transaction():
        return links, len(await accept(conn, project_id, "import:git"))
