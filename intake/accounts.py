"""The forge accounts a forge itself ties to a commit (pure), so that a push arriving
before any other delivery does not split one person in two.

- GitHub's private commit address ``ID+login@users.noreply.github.com`` (and a GitHub
  Enterprise server's ``users.noreply.<host>``) names the account by its stable id.
- GitLab's ``ID-username@users.noreply.<host>`` (or, newer, ``ID@users.noreply.<host>``)
  does the same.
- Bitbucket gives the account it matched to the commit's author (``author.user``,
  read by the rule table).
- GitHub and Gitea also give the matched account's login (``author.username``): that
  is a login, not an id, and links through ``Actor.via`` (``intake.identity``).

The account carries the server its address names; ``intake.instances`` keeps it only
when that is the delivery's server.
"""

from __future__ import annotations

import re
from typing import Any

from intake.bots import is_bot
from intake.payload import Actor, Options, pick, public, text
from intake.rules.table import SHAPES
from intake.rules.types import Commits, UserShape
from intake.trailers import normalise_email
from ledger.kernel.personal import kind_of
from ledger.kernel.pseudonyms import Pseudonyms

_NOREPLY: dict[str, re.Pattern[str]] = {
    "github": re.compile(r"^(\d+)\+([a-z0-9-]+(?:\[bot\])?)@users\.noreply\.([a-z0-9.-]+)$"),
    "gitlab": re.compile(r"^(\d+)(?:-([a-z0-9_.-]+))?@users\.noreply\.([a-z0-9.-]+)$"),
}


def noreply_account(forge: str, email: str) -> tuple[str, str | None, str] | None:
    """(account id, login if it names one, server) of a forge's private commit
    address, or None."""
    pattern = _NOREPLY.get(forge)
    found = pattern.match(email.strip().lower()) if pattern else None
    if found is None:
        return None
    account, login, host = found.groups()
    return account, login, host


def forge_account(
    source: str, shape: UserShape, user: Any, options: Options, keys: Pseudonyms
) -> Actor | None:
    """The forge account a payload's user object (or bare id) names, or None; an id
    that is an IP address (an anonymous wiki edit) is kept as its pseudonym, a login or
    name that is an email or IP address is left out."""
    if isinstance(user, (int, str)) and not isinstance(user, bool):
        user = {shape.id: user}
    if not isinstance(user, dict) or (account := text(user.get(shape.id))) is None:
        return None
    login, name = text(user.get(shape.login)), text(user.get(shape.name))
    email = text(user.get(shape.email)) if shape.email else None
    email = normalise_email(email) if email and "@" in email else None
    kind = text(user.get("type"))
    bot = is_bot(login, name, email, kind, options.bots)
    if kind_of(account) is not None:
        account = keys.of("account", account)
    return Actor(source, account, public(login), public(name), email, False, bot)


def commit_account(
    forge: str, spec: Commits, commit: Any, email: str, options: Options, keys: Pseudonyms
) -> Actor | None:
    """The forge account the forge tied to a commit's author: the user it matched
    (``spec.author_account``) or the one its private address names."""
    if spec.author_account:
        user = pick(commit, spec.author_account)
        found = forge_account(forge, SHAPES[forge], user, options, keys)
        if found is not None:
            return found
    noreply = noreply_account(forge, email)
    if noreply is None:
        return None
    account, login, host = noreply
    return Actor(
        forge, account, login, bot=is_bot(login, None, None, None, options.bots), host=host
    )
