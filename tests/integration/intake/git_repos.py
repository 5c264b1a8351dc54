"""Small git repositories built in a test: commits by given people at given times,
branches, merges, refs of every kind."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import asyncpg

from ledger.register.projects import ProjectInput, create_project

ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_COMMITTER_NAME": "Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.org",
}


def git(repo: Path, *args: str, who: tuple[str, str] | None = None, when: str = "") -> str:
    """Run git in ``repo`` as ``who`` (author and committer) at ``when``; its output."""
    env = {**os.environ, **ENV}
    if who:
        env.update(GIT_AUTHOR_NAME=who[0], GIT_AUTHOR_EMAIL=who[1])
        env.update(GIT_COMMITTER_NAME=who[0], GIT_COMMITTER_EMAIL=who[1])
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, env=env, capture_output=True, text=True
    )
    return done.stdout.strip()


def new_repo(path: Path) -> Path:
    """An empty repository on branch main."""
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return path


def commit(
    repo: Path, who: tuple[str, str], message: str, when: str, name: str | None = None
) -> str:
    """Commit a change to file ``name`` (default: a new file); the new commit's sha."""
    target = repo / (name or f"f{len(list(repo.iterdir()))}.txt")
    with target.open("a") as out:
        out.write(f"{message.splitlines()[0]}\n")
    git(repo, "add", target.name)
    git(repo, "commit", "-q", "-m", message, who=who, when=when)
    return git(repo, "rev-parse", "HEAD")


async def project(pool: asyncpg.Pool, slug: str = "demo") -> int:
    """A new project's id."""
    async with pool.acquire() as conn, conn.transaction():
        return (await create_project(conn, ProjectInput(slug, slug.title()), "admin")).id


def many_commits(path: Path, count: int) -> Path:
    """A repository of ``count`` commits by 50 people (written by ``git fast-import``)."""
    new_repo(path)
    stream = []
    for n in range(1, count + 1):
        who = f"Person {n % 50} <person{n % 50}@example.org>"
        message = f"Change {n}\n\nSigned-off-by: {who}\n".encode()
        stream.append(f"commit refs/heads/main\nmark :{n}\n".encode())
        stream.append(f"author {who} {1_600_000_000 + n} +0000\n".encode())
        stream.append(f"committer {who} {1_600_000_000 + n} +0000\n".encode())
        stream.append(b"data %d\n%b\n" % (len(message), message))
        if n > 1:
            stream.append(f"from :{n - 1}\n".encode())
        stream.append(f"M 100644 inline f{n % 10}.txt\ndata 3\n{n % 100:02d}\n\n".encode())
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"],
        input=b"".join(stream),
        check=True,
        env={**os.environ, **ENV},
    )
    return path
