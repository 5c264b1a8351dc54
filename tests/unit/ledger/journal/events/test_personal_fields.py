"""Which fields are personal is declared once, on the types: the register's marks
them, and no event type of the journal's catalogue has one (nested records included)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import msgspec
import msgspec.inspect as mi
import pytest

from ledger.journal import events
from ledger.journal.events import EVENTS, _index
from ledger.journal.events.base import Event
from ledger.kernel.personal import PERSONAL, personal_paths
from ledger.register.models import Contributor, Identity

REGISTER_PERSONAL = personal_paths(Identity) + personal_paths(Contributor)


class Leaky(Event, frozen=True, kw_only=True):
    """An event type that would put a person's name in the journal."""

    TYPE = "leaky.recorded"
    VERSION = 1
    author: Annotated[str, PERSONAL]


class Line(msgspec.Struct):
    payee: Annotated[str, PERSONAL]


class Book(msgspec.Struct):
    lines: tuple[Line, ...]


def field_names(info: mi.Type, path: str = "") -> Iterator[str]:
    """Every field of a type, nested records included (``entries.account``)."""
    if isinstance(info, mi.Metadata):
        yield from field_names(info.type, path)
    elif isinstance(info, mi.StructType):
        for f in info.fields:
            yield f"{path}{f.name}"
            yield from field_names(f.type, f"{path}{f.name}.")
    elif isinstance(info, mi.UnionType):
        for t in info.types:
            yield from field_names(t, path)
    elif isinstance(info, (mi.ListType, mi.VarTupleType)):
        yield from field_names(info.item_type, path)
    elif isinstance(info, mi.DictType):
        yield from field_names(info.value_type, path)


def test_the_register_declares_emails_logins_names_and_account_ids_personal() -> None:
    assert set(personal_paths(Identity)) == {"external_id", "login", "email", "display_name"}
    assert personal_paths(Contributor) == ("display_name",)


@pytest.mark.parametrize("cls", EVENTS, ids=lambda c: f"{c.TYPE}.v{c.VERSION}")
def test_no_event_type_holds_a_personal_field(cls: type[Event]) -> None:
    assert personal_paths(cls) == ()
    names = {name.rsplit(".", 1)[-1] for name in field_names(mi.type_info(cls))}
    assert names
    assert names.isdisjoint(REGISTER_PERSONAL), f"{cls.TYPE} names a person by a personal field"


def test_the_catalogue_refuses_an_event_type_that_declares_a_personal_field() -> None:
    with pytest.raises(TypeError, match=r"leaky.recorded declares personal fields \('author',\)"):
        _index([Leaky])
    assert "leaky.recorded" not in events.TYPES


def test_a_personal_field_is_found_inside_a_nested_record() -> None:
    assert personal_paths(Book) == ("lines.payee",)
