"""Personal data: which fields hold it (declared once, on the types) and the
write-time guard that keeps it out of permanent and public records.

- ``PERSONAL``: the marker, ``Annotated[str, PERSONAL]`` on a field of a register type
  (a dataclass or a msgspec Struct). ``personal_paths(cls)`` reads it back. The
  journal's catalogue refuses any event type with such a field (the journal is
  permanent); erasure tombstones exactly the marked columns.
- ``find_personal(value)``: the first email address or IP address found in a JSON
  value (keys and strings, at any depth), as ``(path, kind)``; ``refuse_personal``
  raises ``InvalidInput`` naming the field. It guards contribution metadata and every
  journal event body: a safety net behind the rule that those never carry personal
  data at all (people are named by contributor number, commits by sha).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

import msgspec
import msgspec.inspect as mi

from ledger.kernel.errors import InvalidInput

PERSONAL = msgspec.Meta(
    extra={"personal": True},
    description="Personal data: only in erasable register rows, never in the journal, "
    "a natural key, a global id or a cursor; an erasure replaces it by a tombstone.",
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_MAX_DEPTH = 64


def personal_paths(cls: type) -> tuple[str, ...]:
    """Where ``cls`` (a msgspec Struct or a dataclass) holds fields marked ``PERSONAL``,
    nested records included: ``("email", "entries.payee")``."""
    return tuple(_paths(mi.type_info(cls), "", 0))


def personal_fields(cls: type) -> frozenset[str]:
    """The names of ``cls``'s own fields marked ``PERSONAL``."""
    return frozenset(p for p in personal_paths(cls) if "." not in p)


def _inner(info: mi.Type) -> tuple[mi.Type, ...]:
    if isinstance(info, mi.UnionType):
        return info.types
    if isinstance(info, (mi.ListType, mi.VarTupleType, mi.SetType, mi.FrozenSetType)):
        return (info.item_type,)
    if isinstance(info, mi.TupleType):
        return info.item_types
    if isinstance(info, mi.DictType):
        return (info.key_type, info.value_type)
    return ()


def _paths(info: mi.Type, path: str, depth: int) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(info, mi.Metadata):
        if (info.extra or {}).get("personal"):
            yield path
        yield from _paths(info.type, path, depth + 1)
    elif isinstance(info, (mi.StructType, mi.DataclassType)):
        for f in info.fields:
            yield from _paths(f.type, f"{path}.{f.name}" if path else f.name, depth + 1)
    else:
        for inner in _inner(info):
            yield from _paths(inner, path, depth + 1)


def kind_of(text: str) -> str | None:
    """``"an email address"`` or ``"an IP address"`` when ``text`` contains one."""
    if "@" not in text and ":" not in text and "." not in text:
        return None  # an email needs its "@", an IPv4 address dots, an IPv6 one colons
    if "@" in text:
        for match in _EMAIL.finditer(text):
            # not the user part of an scp-like git remote (git@host:path)
            if text[match.end() : match.end() + 1] != ":":
                return "an email address"
    for pattern in (_IPV4, _IPV6):
        for match in pattern.finditer(text):
            candidate = match.group(0)
            if candidate.strip(":") and _is_ip(candidate):
                return "an IP address"
    return None


def _is_ip(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _walk(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        found = kind_of(value)
        if found:
            yield path, found
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = kind_of(str(key))
            if found:
                yield where, found
            yield from _walk(item, where, depth + 1)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]", depth + 1)


def find_personal(value: Any) -> tuple[str, str] | None:
    """The first (path, kind) of an email or IP address inside a JSON value, or None."""
    return next(_walk(value, "", 0), None)


def refuse_personal(value: Any, field: str) -> None:
    """InvalidInput when ``value`` holds something that looks like an email or IP address."""
    found = find_personal(value)
    if found is not None:
        path, kind = found
        where = f"{field}.{path}" if path else field
        raise InvalidInput(
            f"{where} looks like {kind}: personal data is never recorded here "
            "(name people by contributor number)",
            field,
        )
