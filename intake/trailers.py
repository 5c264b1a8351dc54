"""Commit message trailers: ``Co-authored-by:`` and ``Signed-off-by:`` (pure), read
from the trailer block by git's rules (``intake.git_trailers``): a sign-off in the
body, indented or quoted is text, not a trailer.

Emails are normalised (trimmed, lower case) so a person is one identity however
their tools spelled the address; an address that cannot be one (no "@", longer than
an address can be, spaces or brackets inside) is still a person's key, never stored
as their email. Names are compared after NFC normalisation and case folding. What is parsed here is personal: it becomes identities
(keyed by the email's pseudonym) and contributor numbers, never stored text.
"""

from __future__ import annotations

import re
import unicodedata

import msgspec

from intake.git_trailers import trailer_lines

_ONE = r"[^<>]*?\s*<\s*[^<>\s]+@[^<>\s]+\s*>"
_PERSON = re.compile(r"([^<>]*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>")
_PEOPLE = re.compile(rf"{_ONE}(?:\s*,\s*{_ONE})*")
_KEYS = ("co-authored-by", "signed-off-by")
_AUTHOR = re.compile(r"^\s*(.*?)\s*<\s*([^<>]*)\s*>\s*$")
MAX_ADDRESS = 254  # RFC 5321: a path holds at most 256 octets, brackets included
_NOT_IN_ADDRESS = re.compile(r"[\s<>,;]")


class Person(msgspec.Struct, frozen=True, gc=False):
    """A name and a normalised email, as a commit or trailer gives them."""

    name: str
    email: str


class Trailers(msgspec.Struct, frozen=True, gc=False):
    """The co-authors and sign-offs a commit message declares (deduplicated, in order)."""

    co_authors: tuple[Person, ...]
    signoffs: tuple[Person, ...]


def normalise_email(email: str) -> str:
    """The canonical form of an email address (trimmed, lower case)."""
    return email.strip().lower()


def usable_address(email: str) -> bool:
    """True when a (normalised) commit email can be an address: one "@" with text on
    both sides, at most 254 characters, no spaces or brackets."""
    local, at, domain = email.rpartition("@")
    return bool(
        at and local and domain and len(email) <= MAX_ADDRESS and not _NOT_IN_ADDRESS.search(email)
    )


def name_key(name: str) -> str:
    """A name as compared: NFC-normalised, case-folded, spaces collapsed."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    return " ".join(folded.split())


def people_in(value: str) -> list[Person]:
    """The people a trailer's value names: ``Name <email>``, or several of them
    separated by commas; none when the value is anything else."""
    if value.count("<") == 1:  # one person, most trailers: one match says it all
        one = _PERSON.fullmatch(value)
        matches = [one] if one else []
    elif _PEOPLE.fullmatch(value):
        matches = list(_PERSON.finditer(value))
    else:
        return []
    return [Person(m.group(1).strip(" ,"), normalise_email(m.group(2))) for m in matches]


def parse_trailers(message: str, author_email: str | None = None) -> Trailers:
    """Co-authors (the author excluded) and sign-offs of a commit message."""
    co: dict[str, Person] = {}
    signed: dict[str, Person] = {}
    own = normalise_email(author_email) if author_email else None
    if "-by" not in message and "-By" not in message and "-BY" not in message:
        return Trailers((), ())
    for token, value in trailer_lines(message):
        key = token.lower()
        if key not in _KEYS:
            continue
        for person in people_in(value):
            email = person.email
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
