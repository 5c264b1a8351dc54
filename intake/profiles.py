"""Names kept current from forge accounts: a person whose first delivery carried only
an id (a GitLab merge request gives ``author_id``) is called ``gitlab:2251488`` until
a later delivery shows the account's name.

A contributor is called what their first identity gave them (``given_name``: a name,
else a login, else their number, never anything taken from an email). When a delivery shows
a known identity with a new name or login, the identity's register row takes it, and
so does the contributor's name while it still is what that identity gave (a name
another identity gave, say after a merge, stays). Each rename is journaled as
``contributor.renamed`` with numbers only; the name itself stays in the register
(public on the forge, but erasable here). Commit emails are never renamed: every
commit spells its author's name its own way. An erased contributor is never renamed,
nor their identities given back a name or login.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import asyncpg

from intake.payload import Actor
from ledger.journal.events.intake import ContributorRenamed
from ledger.register.models import neutral_name

_UPDATE_IDENTITIES = """
UPDATE identities i SET login = u.login, display_name = u.display_name
FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, login, display_name)
WHERE i.id = u.id
"""
_RENAME = """
UPDATE contributors c SET display_name = u.display_name
FROM unnest($1::bigint[], $2::text[]) AS u(id, display_name)
WHERE c.id = u.id
"""


def given_name(actor: Actor, contributor_id: int) -> str:
    """The name intake gives contributor ``contributor_id``, whom an identity brings in."""
    name = (actor.name or actor.login or "").strip()
    return name[:200] if name else neutral_name(contributor_id)


def _stored(row: asyncpg.Record) -> Actor:
    return Actor(row["source"], row["external_id"], row["login"], row["display_name"], row["email"])


async def refresh(
    conn: asyncpg.Connection,
    rows: Sequence[asyncpg.Record],
    seen: Mapping[tuple[str, str, str], Actor],
) -> list[ContributorRenamed]:
    """Take the newer login and name of each known identity ``rows`` that a delivery
    showed (``seen``, by key); the renames of contributors, to journal."""
    changed: list[tuple[int, str | None, str | None]] = []
    renames: dict[int, tuple[str, ContributorRenamed]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        if row["source"] == "git" or row["erased_at"] is not None:
            continue
        actor = seen[(row["source"], row["host"], row["external_id"])]
        before = _stored(row)
        login, name = actor.login or before.login, actor.name or before.name
        if (login, name) == (before.login, before.name):
            continue
        changed.append((row["id"], login, name))
        owner = row["contributor_id"]
        old = given_name(before, owner)
        new = given_name(Actor(before.source, before.external_id, login, name), owner)
        if new != old and row["contributor_name"] == old and owner not in renames:
            event = ContributorRenamed(
                contributor_id=owner, identity_id=row["id"], source=row["source"]
            )
            renames[owner] = (new, event)
    if changed:
        await conn.execute(
            _UPDATE_IDENTITIES,
            [i for i, _, _ in changed],
            [login for _, login, _ in changed],
            [name for _, _, name in changed],
        )
    if renames:
        await conn.execute(_RENAME, list(renames), [name for name, _ in renames.values()])
    return [event for _, event in renames.values()]
