"""Commit message trailers: ``Co-authored-by:`` and ``Signed-off-by:`` (pure), read
from the trailer block by git's rules (``intake.git_trailers``): a sign-off in the
body, indented or quoted is text, not a trailer.

Emails are normalised (trimmed, lower case) so a person is one identity however
their tools spelled the address. What is parsed here is personal: it becomes identities
(keyed by the email's pseudonym) and contributor numbers, never stored text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intake.git_trailers import trailer_lines

_PERSON = re.compile(r"([^<>]*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>")
_KEYS = ("co-authored-by", "signed-off-by")
_AUTHOR = re.compile(r"^\s*(.*?)\s*<\s*([^<>]*)\s*>\s*$")


@dataclass(frozen=True, slots=True)
class Person:
    """A name and a normalised email, as a commit or trailer gives them."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Trailers:
    """The co-authors and sign-offs a commit message declares (deduplicated, in order)."""

    co_authors: tuple[Person, ...]
    signoffs: tuple[Person, ...]


def normalise_email(email: str) -> str:
    """The canonical form of an email address (trimmed, lower case)."""
    return email.strip().lower()


def parse_trailers(message: str, author_email: str | None = None) -> Trailers:
    """Co-authors (the author excluded) and sign-offs of a commit message."""
    co: dict[str, Person] = {}
    signed: dict[str, Person] = {}
    own = normalise_email(author_email) if author_email else None
    if "-by" not in message and "-By" not in message and "-BY" not in message:
        return Trailers((), ())
    for token, value in trailer_lines(message):
        key = token.lower()
        match = _PERSON.fullmatch(value) if key in _KEYS else None
        if match is None:
            continue
        name, email = match.group(1), normalise_email(match.group(2))
        person = Person(name, email)
        if key == "signed-off-by":
            signed.setdefault(email, person)
        elif email != own:
            co.setdefault(email, person)
    return Trailers(tuple(co.values()), tuple(signed.values()))


def parse_author(raw: str) -> Person | None:
    """``Name <email>`` (Bitbucket's ``author.raw``) as a Person; None when there is no email."""
    match = _AUTHOR.match(raw)
    if not match or "@" not in match.group(2):
        return None
    email = normalise_email(match.group(2))
    return Person(match.group(1), email)
