"""Personal data is declared on the types and refused where it never belongs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
import pytest

from ledger.kernel.errors import InvalidInput
from ledger.kernel.personal import (
    PERSONAL,
    find_personal,
    kind_of,
    personal_fields,
    refuse_personal,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ada@example.org", "an email address"),
        ("Signed-off-by: Ada <ada@example.org>", "an email address"),
        ("edited from 203.0.113.7", "an IP address"),
        ("2001:db8::1", "an IP address"),
        ("::ffff:192.0.2.1", "an IP address"),
    ],
)
def test_emails_and_ip_addresses_are_recognised_inside_text(text: str, kind: str) -> None:
    assert kind_of(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "git@github.com:aurora/aurora.git",
        "2026-01-01T12:30:45.000000Z",
        "std::vector",
        "release 1.2.3",
        "999.1.1.1",
        "a" * 64,
        "contributor:12",
    ],
)
def test_remotes_times_versions_and_digests_are_not_personal(text: str) -> None:
    assert kind_of(text) is None


def test_the_first_personal_value_is_found_at_any_depth_in_keys_or_values() -> None:
    assert find_personal({"commit": "ab12", "co": [{"who": 3}, {"x": "a@b.org"}]}) == (
        "co[1].x",
        "an email address",
    )
    assert find_personal({"10.1.2.3": True}) == ("10.1.2.3", "an IP address")
    assert find_personal({"co_authors": [3, 4], "commit": "ab12"}) is None


def test_refusing_names_the_field_and_what_it_looks_like() -> None:
    with pytest.raises(InvalidInput, match=r"metadata.author_email looks like an email") as exc:
        refuse_personal({"author_email": "ada@example.org"}, "metadata")
    assert exc.value.field == "metadata"


def test_personal_fields_are_read_from_dataclasses_and_structs() -> None:
    @dataclass
    class Person:
        number: int
        email: Annotated[str | None, PERSONAL]

    class Body(msgspec.Struct):
        seq: int
        name: Annotated[str, PERSONAL] | None

    assert personal_fields(Person) == {"email"}
    assert personal_fields(Body) == {"name"}
