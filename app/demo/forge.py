"""The demo's forge side: people with forge accounts and commit emails, and a few
webhook deliveries processed by the inbox worker exactly as real ones are (a push with
co-authors and sign-offs and a revert, a reviewed and merged pull request, wiki edits,
one of them anonymous and so named by an IP address). It gives the demo commons the personal data that must
never reach a public surface, so that the privacy tests can look for it there.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from intake import inbox
from intake.connections import connect_forge
from intake.worker import Worker, WorkerConfig
from ledger.register import people
from ledger.register.models import Project

REPOSITORY = {"id": 7001, "name": "aurora", "full_name": "aurora/aurora"}
ANONYMOUS_EDITOR = "203.0.113.77"
"""The address a wiki shows for an edit made without an account."""


def account(n: int) -> dict[str, Any]:
    """The forge account of demo developer ``n`` (as GitHub describes a user)."""
    return {"login": f"aurora-dev{n}", "id": 900_000 + n, "type": "User"}


def email(n: int) -> str:
    """The commit email of demo developer ``n``."""
    return f"dev{n}@mail.aurora.invalid"


def _push(at: datetime, developers: list[int]) -> dict[str, Any]:
    commits: list[dict[str, Any]] = []
    for i, n in enumerate(developers):
        co, signer = developers[(i + 1) % len(developers)], n
        message = (
            f"Speed up tile rendering, part {i + 1}\n\n"
            f"Co-authored-by: Dev {co} <{email(co).upper()}>\n"
            f"Co-authored-by: Guest Writer {i} <guest{i}@writers.invalid>\n"
            f"Signed-off-by: Dev {signer} <{email(signer)}>"
        )
        sha = f"{0xA0C0 + i:04x}" + "d" * 36
        commits.append(
            {
                "id": sha,
                "message": message,
                "timestamp": (at + timedelta(minutes=i)).isoformat(),
                "url": f"https://git.invalid/aurora/aurora/commit/{sha}",
                # the first commit's author gave no name
                "author": {"name": f"Dev {n}" if i else "", "email": email(n), "username": None},
            }
        )
    first = commits[0]["id"]
    revert = f"{0xA0F0:04x}" + "e" * 36
    commits.append(
        {
            "id": revert,
            "message": f'Revert "Speed up tile rendering, part 1"\n\nThis reverts commit {first}.',
            "timestamp": (at + timedelta(hours=2)).isoformat(),
            "url": f"https://git.invalid/aurora/aurora/commit/{revert}",
            "author": {"name": "Dev 1", "email": email(developers[1]), "username": None},
        }
    )
    return {
        "ref": "refs/heads/main",
        "repository": REPOSITORY,
        "pusher": {"name": f"aurora-dev{developers[0]}", "email": email(developers[0])},
        "sender": account(developers[0]),
        "commits": commits,
    }


def _merged(at: datetime, author: int, merger: int) -> dict[str, Any]:
    return {
        "action": "closed",
        "repository": REPOSITORY,
        "pull_request": {
            "id": 55_001,
            "number": 42,
            "merged": True,
            "created_at": (at - timedelta(days=1)).isoformat(),
            "merged_at": at.isoformat(),
            "html_url": "https://git.invalid/aurora/aurora/pull/42",
            "user": {**account(author), "email": email(author)},
            "merged_by": account(merger),
        },
    }


def _review(at: datetime, reviewer: int) -> dict[str, Any]:
    return {
        "action": "submitted",
        "repository": REPOSITORY,
        "pull_request": {"id": 55_001, "number": 42},
        "review": {
            "id": 77_001,
            "state": "approved",
            "submitted_at": (at - timedelta(hours=3)).isoformat(),
            "html_url": "https://git.invalid/aurora/aurora/pull/42#review-77001",
            "user": account(reviewer),
        },
    }


def _wiki(sender: int) -> dict[str, Any]:
    page = {"page_name": "Styles", "action": "edited", "sha": "5" * 40}
    return {"pages": [page], "repository": REPOSITORY, "sender": account(sender)}


def _anonymous_edit(at: datetime) -> dict[str, Any]:
    author = {"id": ANONYMOUS_EDITOR, "login": ANONYMOUS_EDITOR}
    data = {"id": "wiki-rev-311", "kind": "doc", "occurred_at": at.isoformat(), "author": author}
    return {"type": "contribution.created", "data": data}


async def seed_forge(
    pool: asyncpg.Pool, project: Project, ids: list[int], at: datetime, actor: str
) -> int:
    """Link forge accounts and commit emails to some demo contributors, then store and
    process a few deliveries; how many identities were linked."""
    developers = ids[:24:3]
    async with pool.acquire() as conn, conn.transaction():
        for n, who in enumerate(developers):
            for source, host, external_id, login in (
                ("github", "github.com", str(account(n)["id"]), account(n)["login"]),
                ("git", "", email(n), None),
            ):
                await people.link_identity(
                    conn, project.id, source=source, external_id=external_id, host=host,
                    contributor_id=who, login=login, email=email(n), actor=actor,
                )  # fmt: skip
        github = await connect_forge(conn, project, "github", secrets.token_hex(16), "demo", actor)
        key = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        standard = await connect_forge(conn, project, "standard", key, "demo wiki", actor)
    deliveries = [
        ("github", github.id, "push", _push(at, list(range(len(developers))))),
        ("github", github.id, "pull_request_review", _review(at, 2)),
        ("github", github.id, "pull_request", _merged(at, 1, 0)),
        ("github", github.id, "gollum", _wiki(2)),
        ("standard", standard.id, "contribution.created", _anonymous_edit(at)),
    ]
    await inbox.store_many(
        pool,
        [
            inbox.NewDelivery(
                project.id,
                forge,
                secret,
                event,
                f"demo-{n}",
                {},
                json.dumps(body).encode(),
            )
            for n, (forge, secret, event, body) in enumerate(deliveries)
        ],
    )
    await Worker(pool, "", WorkerConfig(max_attempts=1), name="demo").drain()
    return 2 * len(developers)
