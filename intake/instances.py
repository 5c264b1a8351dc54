"""Which forge server a delivery comes from (pure): identities are keyed by server, so
that user 1 of one Gitea and user 1 of another stay two people.

The server is the host of the address the payload gives its repository (the
``html_url`` / ``web_url`` / ``links`` that ``intake.scope`` reads), else GitLab's
``X-Gitlab-Instance`` header, else the base URL the project's connection names, else
the forge's public server (GitHub, Bitbucket Cloud). A self-hostable forge's delivery
that names no server at all cannot be keyed and is refused (``PayloadError``);
Standard Webhooks deliveries come from one sender per connection and may name none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from msgspec import structs

from intake.payload import Activity, Actor, PayloadError
from intake.scope import repository_of
from ledger.register.people import PUBLIC_HOSTS

INSTANCE_HEADERS: dict[str, str] = {"gitlab": "x-gitlab-instance"}
WITHOUT_SERVER = frozenset({"standard"})
_ADDRESS = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]+)")
_DEFAULT_PORT = re.compile(r":(80|443)$")


def host_of(url: str | None) -> str | None:
    """The host of an address: lower case, without user info or a default port."""
    found = _ADDRESS.match(url.strip()) if url else None
    if found is None:
        return None
    return _DEFAULT_PORT.sub("", found.group(1).lower()) or None


def instance_of(
    forge: str, payload: Any, headers: Mapping[str, str], base_url: str | None = None
) -> str:
    """The server a delivery comes from; PayloadError when a self-hostable forge's
    delivery names none and its connection has no base URL."""
    header = INSTANCE_HEADERS.get(forge)
    for candidate in (
        repository_of(forge, payload),
        headers.get(header) if header else None,
        base_url,
    ):
        host = host_of(candidate)
        if host:
            return host
    if forge in PUBLIC_HOSTS:
        return PUBLIC_HOSTS[forge]
    if forge in WITHOUT_SERVER:
        return ""
    raise PayloadError(
        "the delivery names no server (no repository address) and the connection has no "
        "base URL: connect the forge with its base URL"
    )


def _on(actor: Actor, forge: str, host: str) -> Actor:
    account = actor.account
    if account is not None and account.host not in ("", host):
        # a private address of another server vouches for nothing here
        if (actor.via, actor.login) == (account.source, account.login):
            actor = replace(actor, via=None, login=None)
        actor = replace(actor, account=None)
    elif account is not None:
        actor = replace(actor, account=replace(account, host=host))
    if actor.source == forge or actor.via == forge or actor.account is not None:
        return replace(actor, host=host)
    return actor


def on_instance(activities: list[Activity], forge: str, host: str) -> list[Activity]:
    """The activities with their forge accounts (and the accounts that vouch for
    commit emails) placed on the delivery's server."""
    return [structs.replace(a, actor=_on(a.actor, forge, host)) for a in activities]
