"""Which forge server a delivery comes from, and the accounts a forge ties to commits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake.accounts import noreply_account
from intake.instances import host_of, instance_of, on_instance
from intake.mapping import map_delivery
from intake.payload import Actor, PayloadError
from ledger.kernel.pseudonyms import Pseudonyms
from tests.unit.intake.forge_requests import payload

NOW = datetime(2024, 1, 2, tzinfo=UTC)
KEYS = Pseudonyms(b"k" * 32)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Gitea.Example.com/club/tools", "gitea.example.com"),
        ("http://localhost:3000/gitea/webhooks", "localhost:3000"),
        ("https://git.example.org:443/a/b.git", "git.example.org"),
        ("https://user:token@git.example.org/a", "git.example.org"),
        ("git@git.example.org:a/b.git", None),
        ("", None),
        (None, None),
    ],
)
def test_a_host_is_the_lower_case_server_without_credentials_or_default_port(
    url: str | None, host: str | None
) -> None:
    assert host_of(url) == host


def test_the_payload_names_the_server_before_headers_and_the_base_url() -> None:
    gitlab = payload("gitlab_push")
    headers = {"x-gitlab-instance": "https://gitlab.example.net"}
    assert instance_of("gitlab", gitlab, headers, "https://base.example") == "gitlab.example.com"
    del gitlab["project"]
    assert instance_of("gitlab", gitlab, headers, "https://base.example") == "gitlab.example.net"
    assert instance_of("gitlab", gitlab, {}, "https://base.example") == "base.example"


def test_public_forges_default_to_their_server_and_self_hosted_ones_must_name_theirs() -> None:
    assert instance_of("github", {}, {}) == "github.com"
    assert instance_of("bitbucket", {}, {}) == "bitbucket.org"
    assert instance_of("standard", {}, {}) == ""
    with pytest.raises(PayloadError, match="names no server"):
        instance_of("gitea", {"repository": {"id": 1}}, {})


@pytest.mark.parametrize(
    ("forge", "email", "found"),
    [
        (
            "github",
            "21031067+Codertocat@users.noreply.github.com",
            ("21031067", "codertocat", "github.com"),
        ),
        (
            "github",
            "49699333+dependabot[bot]@users.noreply.github.com",
            ("49699333", "dependabot[bot]", "github.com"),
        ),
        ("github", "codertocat@users.noreply.github.com", None),
        ("github", "octocat@github.com", None),
        (
            "gitlab",
            "2251488-nadia@users.noreply.gitlab.com",
            ("2251488", "nadia", "gitlab.com"),
        ),
        ("gitlab", "51@users.noreply.gitlab.example.com", ("51", None, "gitlab.example.com")),
        ("gitea", "gitea@noreply.localhost", None),
    ],
)
def test_private_commit_addresses_name_the_account_by_id(
    forge: str, email: str, found: tuple[str, str | None, str] | None
) -> None:
    assert noreply_account(forge, email) == found


def test_a_push_ties_each_private_address_to_its_account() -> None:
    mapped = map_delivery("github", "push", payload("github_push"), "d", NOW, KEYS)
    bot = mapped.activities[-1].actor
    assert bot.account == Actor(
        "github", "49699333", "dependabot[bot]", bot=True, host="github.com"
    )
    assert bot.bot
    assert bot.login == "dependabot[bot]"
    assert bot.via == "github"
    assert mapped.activities[0].actor.account is None  # a login only: linked by ``via``


def test_bitbucket_ties_the_author_it_matched_to_the_commit() -> None:
    mapped = map_delivery("bitbucket", "repo:push", payload("bitbucket_push"), "d", NOW, KEYS)
    author = mapped.activities[0].actor
    assert author.account == Actor(
        "bitbucket", "{d301aafa-d676-4ee0-88be-962be7417567}", "emmaj", "Emma Jones"
    )
    assert (author.login, author.via) == ("emmaj", "bitbucket")


def test_accounts_are_placed_on_the_delivery_server_and_other_servers_vouch_for_nothing() -> None:
    push = payload("gitlab_push")
    push["commits"][0]["author"]["email"] = "51-nadia@users.noreply.gitlab.example.com"
    push["commits"][1]["author"]["email"] = "52-omar@users.noreply.gitlab.com"
    mapped = map_delivery("gitlab", "Push Hook", push, "d", NOW, KEYS)
    placed = on_instance(mapped.activities, "gitlab", "gitlab.example.com")
    nadia, omar = placed[0].actor, placed[1].actor
    assert nadia.account is not None
    assert nadia.account.key == ("gitlab", "gitlab.example.com", "51")
    assert nadia.key == ("git", "", KEYS.email("51-nadia@users.noreply.gitlab.example.com"))
    assert omar.account is None
    assert omar.via is None


def test_forge_accounts_are_keyed_by_their_server() -> None:
    mapped = map_delivery("gitea", "release", payload("gitea_release"), "d", NOW, KEYS)
    (one,) = on_instance(mapped.activities, "gitea", "git.one.example")
    (two,) = on_instance(mapped.activities, "gitea", "git.two.example")
    assert one.actor.key == ("gitea", "git.one.example", "1")
    assert two.actor.key == ("gitea", "git.two.example", "1")
