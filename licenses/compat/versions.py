"""License families and their versions, for reading "or later" (``-or-later`` and ``+``).

A family is the SPDX ids that differ only in their version number: ``GPL-2.0-only``
and ``GPL-3.0-only``; ``MPL-1.1`` and ``MPL-2.0``. "X or later" offers X and every
later version: those on the SPDX list now, and those the steward may still publish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from licenses.spdx import License, catalogue

_VERSIONED = re.compile(r"^(?P<stem>.+)-(?P<version>\d+(?:\.\d+)*)(?P<tail>-only|-or-later)?$")


@dataclass(frozen=True, slots=True)
class Later:
    """What an "or later" license offers: its family and its published fixed versions."""

    family: str
    versions: tuple[str, ...]


def _number(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@cache
def _families() -> dict[tuple[str, str], list[tuple[tuple[int, ...], str]]]:
    lists = catalogue()
    families: dict[tuple[str, str], list[tuple[tuple[int, ...], str]]] = {}
    for license_id in lists.licenses.values():
        match = _VERSIONED.match(license_id)
        if match is None or license_id in lists.deprecated or match["tail"] == "-or-later":
            continue
        key = (match["stem"], match["tail"] or "")
        families.setdefault(key, []).append((_number(match["version"]), license_id))
    return {key: sorted(members) for key, members in families.items()}


def later(license: License) -> Later | None:
    """The versions an "or later" license offers; None for a fixed version."""
    match = _VERSIONED.match(license.id)
    if match is None:
        return Later(license.id, (license.id,)) if license.or_later else None
    or_later = license.or_later or match["tail"] == "-or-later"
    if not or_later:
        return None
    tail = "-only" if match["tail"] == "-or-later" else match["tail"] or ""
    since = _number(match["version"])
    members = _families().get((match["stem"], tail), [])
    versions = tuple(i for number, i in members if number >= since)
    fixed = f"{match['stem']}-{match['version']}{tail}"
    return Later(match["stem"], versions or (fixed,))


def family(license_id: str) -> str | None:
    """The family of a versioned license id (``GPL`` for ``GPL-2.0-only``)."""
    match = _VERSIONED.match(license_id)
    return match["stem"] if match else None
