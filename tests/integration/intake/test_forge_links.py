"""The links a forge itself gives, replayed through HTTP and the worker with payloads
shaped like the forges' published examples: a push arriving before any other
delivery does not split its author in two (GitHub's ``author.username`` and private
address, GitLab's private address, Bitbucket's ``author.user``), and a contributor
first seen by id alone takes the name a later delivery shows (journaled, numbers
only), unless they were erased. Commit emails are keyed by their pseudonyms."""

from __future__ import annotations

import asyncpg

from intake import merges
from intake.worker import Worker, WorkerConfig
from ledger.kernel import pseudonyms
from ledger.register.erasure import erase, find_person
from ledger.register.models import Project
from tests.integration.intake.conftest import Poster
from tests.unit.intake.forge_requests import payload


async def _drain(pool: asyncpg.Pool, url: str) -> int:
    return await Worker(pool, url, WorkerConfig(max_attempts=1, backoff_seconds=0)).drain()


async def _owner(pool: asyncpg.Pool, natural_key: str) -> int:
    owner: int = await pool.fetchval(
        """SELECT coalesce(p.merged_into, p.id) FROM contributions c
        JOIN contributors p ON p.id = c.contributor_id WHERE c.natural_key = $1""",
        natural_key,
    )
    return owner


async def _email_key(pool: asyncpg.Pool, address: str) -> str:
    return (await pseudonyms.load(pool)).email(address)


async def _identities(pool: asyncpg.Pool, contributor: int) -> list[tuple[str, str, str]]:
    rows = await pool.fetch(
        "SELECT source, host, external_id FROM identities WHERE contributor_id = $1 ORDER BY 1",
        contributor,
    )
    return [tuple(r) for r in rows]


async def test_a_github_push_first_then_the_account_is_one_person(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    push = payload("github_push")
    push["commits"] = push["commits"][:1]  # Octo Cat, whom GitHub matched to Codertocat
    await poster.post("github", push)
    await _drain(pool, database_url)
    await poster.post("github", payload("github_pull_request_merged"), event="pull_request")
    await _drain(pool, database_url)
    author = await _owner(pool, "git:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c")
    assert await _owner(pool, "github:pr:279147437:merged") == author
    email = await _email_key(pool, "octocat@github.com")
    assert await _identities(pool, author) == [
        ("git", "", email),
        ("github", "github.com", "21031067"),
    ]
    vouched = await pool.fetchrow(
        "SELECT vouch_source, vouch_host, email_verified FROM identities WHERE source = 'git' "
        "AND external_id = $1",
        email,
    )
    assert tuple(vouched) == ("github", "github.com", True)


async def test_a_private_github_address_brings_its_account_with_the_push(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    push = payload("github_push")
    push["commits"] = push["commits"][:1]
    commit = push["commits"][0]
    commit["author"] = {"name": "Octo Cat", "email": "21031067+Codertocat@users.noreply.github.com"}
    await poster.post("github", push)
    await _drain(pool, database_url)
    author = await _owner(pool, "git:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c")
    assert await _identities(pool, author) == [
        ("git", "", await _email_key(pool, "21031067+codertocat@users.noreply.github.com")),
        ("github", "github.com", "21031067"),
    ]
    assert await pool.fetchval("SELECT display_name FROM contributors WHERE id = $1", author) == (
        "Octo Cat"
    )
    await poster.post("github", payload("github_release"), event="release")
    await _drain(pool, database_url)
    assert await _owner(pool, "github:release:17372790") == author


async def test_a_gitlab_private_address_links_only_on_its_own_server(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    push = payload("gitlab_push")
    push["commits"][0]["author"]["email"] = "51-nadia@users.noreply.gitlab.example.com"
    push["commits"][1]["author"]["email"] = "1-root@users.noreply.gitlab.com"  # not this server
    await poster.post("gitlab", push, event="Push Hook")
    await _drain(pool, database_url)
    merged = payload("gitlab_merge_request")  # author 51, merged by user 1 (root)
    await poster.post("gitlab", merged, event="Merge Request Hook")
    await _drain(pool, database_url)
    nadia = await _owner(pool, "git:" + push["commits"][0]["id"])
    assert await _owner(pool, "gitlab:mr:99:merged") == nadia
    root = await _owner(pool, "gitlab:mr:99:merger")
    assert root != await _owner(pool, "git:" + push["commits"][1]["id"])
    assert await _identities(pool, root) == [("gitlab", "gitlab.example.com", "1")]


async def test_bitbucket_ties_the_pusher_to_the_account_it_matched(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("bitbucket", payload("bitbucket_push"))
    await _drain(pool, database_url)
    fulfilled = payload("bitbucket_pullrequest_fulfilled")
    fulfilled["pullrequest"]["author"] = fulfilled["actor"]  # Emma, who pushed
    await poster.post("bitbucket", fulfilled, event="pullrequest:fulfilled")
    await _drain(pool, database_url)
    emma = await _owner(pool, "git:03f4a7270240708834de475bcf21532d6134777e")
    key = "bitbucket:pr:{b7a7f9e2-3c4d-4e5f-8a9b-0c1d2e3f4a5b}:12:merged"
    assert await _owner(pool, key) == emma
    assert await _identities(pool, emma) == [
        ("bitbucket", "bitbucket.org", "{d301aafa-d676-4ee0-88be-962be7417567}"),
        ("git", "", await _email_key(pool, "emma@example.com")),
    ]


async def test_a_contributor_first_seen_by_id_takes_the_name_a_later_delivery_shows(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("gitlab", payload("gitlab_merge_request"), event="Merge Request Hook")
    await _drain(pool, database_url)
    author = await _owner(pool, "gitlab:mr:99:merged")
    name = "SELECT display_name FROM contributors WHERE id = $1"
    assert await pool.fetchval(name, author) == f"Contributor {author}"
    note = payload("gitlab_note")
    note["user"] = {"id": 51, "name": "Nadia Author", "username": "nadia"}
    note["project"] = payload("gitlab_merge_request")["project"]
    await poster.post("gitlab", note, event="Note Hook")
    await _drain(pool, database_url)
    assert await pool.fetchval(name, author) == "Nadia Author"
    identity = await pool.fetchrow(
        "SELECT id, login, display_name FROM identities WHERE source = 'gitlab' "
        "AND external_id = '51'"
    )
    assert (identity["login"], identity["display_name"]) == ("nadia", "Nadia Author")
    renamed = await pool.fetch(
        "SELECT body, actor FROM journal_events WHERE type = 'contributor.renamed'"
    )
    assert [(r["body"], r["actor"]) for r in renamed] == [
        (
            {"contributor_id": author, "identity_id": identity["id"], "source": "gitlab"},
            "intake:gitlab",
        )
    ]
    bodies = await pool.fetch("SELECT body::text FROM journal_events")
    assert not [b for (b,) in bodies if "Nadia" in b or "nadia" in b]
    # The same name again changes nothing; a new one on the forge is followed.
    await poster.post("gitlab", note, event="Note Hook")
    note["user"]["name"] = "Nadia Writer"
    note["object_attributes"]["id"] += 1
    await poster.post("gitlab", note, event="Note Hook")
    await _drain(pool, database_url)
    assert await pool.fetchval(name, author) == "Nadia Writer"
    count = "SELECT count(*) FROM journal_events WHERE type = 'contributor.renamed'"
    assert await pool.fetchval(count) == 2


async def test_a_name_another_identity_gave_stays_after_a_merge(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("gitlab", payload("gitlab_merge_request"), event="Merge Request Hook")
    await _drain(pool, database_url)
    author, root = (
        await _owner(pool, "gitlab:mr:99:merged"),
        await _owner(pool, "gitlab:mr:99:merger"),
    )
    async with pool.acquire() as conn, conn.transaction():
        await merges.merge(conn, project.id, author, root, "admin")
    note = payload("gitlab_note")
    note["user"] = {"id": 51, "name": "Nadia Author", "username": "nadia"}
    note["project"] = payload("gitlab_merge_request")["project"]
    await poster.post("gitlab", note, event="Note Hook")
    await _drain(pool, database_url)
    names = "SELECT id, display_name FROM contributors WHERE id = any($1::bigint[]) ORDER BY id"
    assert [tuple(r) for r in await pool.fetch(names, sorted([author, root]))] == sorted(
        [(author, f"Contributor {author}"), (root, "Administrator")]
    )


async def test_an_erased_contributor_is_never_renamed(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    note = payload("gitlab_note")
    note["user"] = {"id": 51, "name": "Nadia Author", "username": "nadia"}
    note["project"] = payload("gitlab_merge_request")["project"]
    await poster.post("gitlab", note, event="Note Hook")
    await _drain(pool, database_url)
    (author,) = await pool.fetch("SELECT contributor_id FROM identities WHERE source = 'gitlab'")
    async with pool.acquire() as conn, conn.transaction():
        await erase(conn, await find_person(conn, author[0]), "admin")
    erased = await pool.fetchrow(
        "SELECT i.login, i.display_name, c.display_name AS name FROM identities i "
        "JOIN contributors c ON c.id = i.contributor_id WHERE i.source = 'gitlab'"
    )
    note["user"]["name"] = "Nadia Writer"
    note["object_attributes"]["id"] += 1
    await poster.post("gitlab", note, event="Note Hook")
    await _drain(pool, database_url)
    rows = await pool.fetch(
        "SELECT i.login, i.display_name, c.display_name AS name FROM identities i "
        "JOIN contributors c ON c.id = i.contributor_id WHERE i.source = 'gitlab' ORDER BY i.id"
    )
    assert tuple(rows[0]) == tuple(erased)
    assert erased["login"] is None
    assert erased["name"] == f"Erased contributor {author[0]}"
    count = "SELECT count(*) FROM journal_events WHERE type = 'contributor.renamed'"
    assert await pool.fetchval(count) == 0
