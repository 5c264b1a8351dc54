"""The register's records and the pure rules that validate them (no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec

from ledger.kernel.errors import InvalidInput
from ledger.kernel.personal import PERSONAL

# The All Contributors emoji key: https://allcontributors.org/docs/en/emoji-key
STANDARD_KINDS: frozenset[str] = frozenset(
    [
        "audio",
        "a11y",
        "bug",
        "blog",
        "business",
        "code",
        "content",
        "data",
        "doc",
        "design",
        "example",
        "eventOrganizing",
        "financial",
        "fundingFinding",
        "ideas",
        "infra",
        "maintenance",
        "mentoring",
        "platform",
        "plugin",
        "projectManagement",
        "promotion",
        "question",
        "research",
        "review",
        "security",
        "tool",
        "translation",
        "test",
        "tutorial",
        "talk",
        "userTesting",
        "video",
    ]
)
CODE_KINDS: frozenset[str] = frozenset({"code", "test", "infra", "platform", "plugin", "tool"})

_SLUG = re.compile(r"[a-z](?:[a-z0-9-]*[a-z0-9])?", re.ASCII)
_KIND = re.compile(r"^[a-z][A-Za-z0-9]{0,39}$")
_SOURCE = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Project:
    id: int
    slug: str
    name: str
    description: str
    homepage: str | None
    repositories: list[str]
    outbound_license: str | None
    trademark_notice: str | None
    settings: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Contributor:
    """A person (or bot), instance-wide. ``display_name`` is public but personal: an
    erasure replaces it by a tombstone (``erased_at`` set)."""

    id: int
    display_name: Annotated[str, PERSONAL]
    is_bot: bool
    merged_into: int | None
    created_at: datetime
    erased_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """An account of a contributor on a source; ``host`` is the forge server the
    account lives on (empty for sources without servers: commit emails, wikis).
    ``external_id`` is the forge's stable account id, or for ``git`` the keyed
    pseudonym of the commit email (never the address); the address itself is
    ``email``. Every personal field is erasable."""

    id: int
    contributor_id: int
    source: str
    external_id: Annotated[str, PERSONAL]
    login: Annotated[str | None, PERSONAL]
    email: Annotated[str | None, PERSONAL]
    email_verified: bool
    display_name: Annotated[str | None, PERSONAL]
    host: str = ""


@dataclass(frozen=True, slots=True)
class Organisation:
    id: int
    name: str
    domain: str | None


@dataclass(frozen=True, slots=True)
class Contribution:
    project_id: int
    id: int
    contributor_id: int
    kind: str
    occurred_at: datetime
    source: str
    natural_key: str
    evidence_url: str | None
    metadata: dict[str, Any]
    credit: Decimal
    policy_version: int
    counted: bool
    recorded_at: datetime


class NewContribution(msgspec.Struct, frozen=True, gc=False):
    """A contribution to record; ``natural_key`` makes recording it idempotent (a
    Struct the garbage collector does not track: history imports build millions);
    ``counted`` False records it without credit whoever made it (a bot's work is never
    counted either way)."""

    contributor_id: int
    kind: str
    occurred_at: datetime
    source: str
    natural_key: str
    evidence_url: str | None = None
    metadata: dict[str, Any] = msgspec.field(default_factory=dict)
    counted: bool = True


def check_slug(value: str, field_name: str = "slug", limit: int = 64) -> str:
    """A URL-safe name (a project slug; a fund or expense category name): a lower-case
    letter, then lower-case letters, digits or inner dashes, at most ``limit`` long."""
    if len(value) > limit or not _SLUG.fullmatch(value):
        raise InvalidInput(
            f"{field_name} must be 1-{limit} lower-case letters, digits or inner dashes, "
            "starting with a letter",
            field_name,
        )
    return value


def check_text(value: str | None, field_name: str, limit: int) -> str:
    """Free text given as is (a payee, a purpose, an agreement): not blank, at most
    ``limit`` characters."""
    if value is None or not value.strip() or len(value) > limit:
        raise InvalidInput(f"{field_name} must be 1 to {limit} characters", field_name)
    return value


def neutral_name(contributor_id: int) -> str:
    """The name of a contributor who gave none (never derived from an email)."""
    return f"Contributor {contributor_id}"


def erased_name(contributor_id: int) -> str:
    """The tombstone that replaces the name of a contributor who asked to be forgotten."""
    return f"Erased contributor {contributor_id}"


def check_name(name: str, field_name: str = "name") -> str:
    """A display name: 1-200 characters after trimming."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput(f"{field_name} must be 1 to 200 characters", field_name)
    return name


def check_url(url: str | None, field_name: str) -> str | None:
    """An absolute http(s) URL, or None."""
    if url is None or url == "":
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise InvalidInput(f"{field_name} must be an absolute http(s) URL", field_name)
    return url


def check_kind(kind: str, project_kinds: frozenset[str] = frozenset()) -> str:
    """A contribution kind: standard, or one the project defined."""
    if kind in STANDARD_KINDS or kind in project_kinds:
        return kind
    raise InvalidInput(f"unknown contribution kind {kind!r}", "kind")


def check_new_kind(kind: str) -> str:
    """The form of a kind a project defines (camelCase, not a standard one)."""
    if not _KIND.match(kind):
        raise InvalidInput("a kind is camelCase letters and digits, at most 40", "kind")
    if kind in STANDARD_KINDS:
        raise InvalidInput(f"{kind!r} is already a standard kind", "kind")
    return kind


def check_source(source: str) -> str:
    """An identity or contribution source name (``github``, ``git``, ``manual``...)."""
    if not _SOURCE.match(source):
        raise InvalidInput("source must be lower-case letters, digits, . _ -", "source")
    return source


def check_natural_key(key: str) -> str:
    """A natural key: 1-500 printable characters."""
    if not 1 <= len(key) <= 500 or not key.isprintable():
        raise InvalidInput("natural key must be 1 to 500 printable characters", "naturalKey")
    return key


def check_weight(value: str, field_name: str) -> Decimal:
    """A credit weight: a decimal string from 0 to 10000 with at most 4 decimals."""
    try:
        weight = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"{field_name} must be a decimal number", field_name) from None
    if not weight.is_finite() or weight < 0 or weight > 10000:
        raise InvalidInput(f"{field_name} must be between 0 and 10000", field_name)
    exponent = weight.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise InvalidInput(f"{field_name} allows at most 4 decimals", field_name)
    return weight
