"""Which repositories a project takes deliveries from (pure).

A project that lists repositories (``projects.repositories``) is credited only for
deliveries from them: an organisation-wide hook also reports the organisation's other
repositories, and those deliveries are stored but ignored (replay them once the list
names their repository). A project that lists none takes every repository its hooks
report, and a delivery that names no repository is always in scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from intake.payload import pick

# Where each forge's payload gives the repository's web address.
REPOSITORY_URLS: dict[str, tuple[str, ...]] = {
    "github": ("repository.html_url",),
    "gitlab": ("project.web_url", "repository.homepage"),
    "gitea": ("repository.html_url",),
    "forgejo": ("repository.html_url",),
    "bitbucket": ("repository.links.html.href",),
    "standard": ("data.repository",),
}
NOT_LISTED = "repository_not_listed"


def normalise_repository(url: str) -> str:
    """A repository address compared without scheme, case, trailing ``/`` or ``.git``."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/").removesuffix(".git").rstrip("/")
    return f"{parts.netloc.lower()}{path.lower()}"


def repository_of(forge: str, payload: Any) -> str | None:
    """The address of the repository a delivery comes from, when its payload says."""
    for path in REPOSITORY_URLS.get(forge, ()):
        found = pick(payload, path)
        if isinstance(found, str) and found:
            return found
    return None


def out_of_scope(repositories: Iterable[str], forge: str, payload: Any) -> str | None:
    """Why the delivery is ignored (a repository the project does not list), or None."""
    listed = {normalise_repository(r) for r in repositories}
    if not listed:
        return None
    found = repository_of(forge, payload)
    if found is None or normalise_repository(found) in listed:
        return None
    return NOT_LISTED
