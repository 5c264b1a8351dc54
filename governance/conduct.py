"""The code of conduct a project adopts: recorded as a project setting by the SHA-256 of
its text (the text stays where the project publishes it), with its title, its address
and the passed proposal that adopted it when one did. Reports list it among the rules
in force (``reports.critics.in_force``)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import asyncpg

from governance import store
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput
from ledger.register.models import Project, check_url
from ledger.register.projects import update_settings

CODE_OF_CONDUCT = "code_of_conduct"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def code_of_conduct(
    title: str, text: str | None, sha256: str | None, url: str | None
) -> dict[str, Any]:
    """The setting's value: the text's hash (given, or of ``text`` as UTF-8), never both."""
    title = title.strip()
    if not 1 <= len(title) <= 200 or not title.isprintable():
        raise InvalidInput("title is 1 to 200 printable characters", "codeOfConduct.title")
    if (text is None) == (sha256 is None):
        raise InvalidInput("give the text or its sha256, not both", "codeOfConduct")
    if text is not None:
        sha256 = hashlib.sha256(text.encode()).hexdigest()
    if sha256 is None or not _SHA256.match(sha256):
        raise InvalidInput("sha256 is 64 lower-case hex digits", "codeOfConduct.sha256")
    if url is not None and not url.isprintable():
        raise InvalidInput("url is printable text", "codeOfConduct.url")
    return {"title": title, "sha256": sha256, "url": check_url(url, "codeOfConduct.url")}


async def adopt(
    conn: asyncpg.Connection,
    project: Project,
    value: dict[str, Any],
    proposal_id: int | None,
    actor: str,
) -> Project:
    """Record the project's code of conduct (caller's transaction); ``proposal_id`` names
    the passed proposal that adopted it (Conflict when it did not pass)."""
    if proposal_id is not None:
        proposal = await store.get(conn, project.id, proposal_id)
        if proposal.outcome != "passed":
            raise Conflict(
                f"proposal {proposal_id} did not pass: it adopted nothing",
                ConflictCode.PROPOSAL_STATE,
            )
        value = {**value, "proposal_id": proposal_id}
    if project.settings.get(CODE_OF_CONDUCT) == value:
        return project
    return await update_settings(conn, project, CODE_OF_CONDUCT, value, actor)
