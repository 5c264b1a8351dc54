"""What a ``WITH`` exception does to compatibility.

Every SPDX exception adds permissions to its license. Two consequences:

- Outbound: a project under ``L WITH E`` passes E's permissions on to its recipients,
  so it may only include code whose authors granted them too: the same exception, or a
  license with no copyleft for E to relax. Only copyright holders can grant an
  exception (FSF GPL FAQ; GPL-3.0 section 7 lets a recipient remove additional
  permissions, never add them to someone else's code).
- Inbound: code under ``L WITH E`` may go wherever L may, and some exceptions widen
  that: ``WIDENING`` says where, citing the exception's text. Linking exceptions
  (``LINKING_ONLY``) permit linking with independent modules, not including the code
  under another license. Of any other exception nothing is assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

SPDX_EXCEPTION = "https://spdx.org/licenses/{}.html"
FSF_EXCEPTIONS = "https://www.gnu.org/licenses/gpl-faq.html#GPLIncompatibleLibs"
GPL3_ADDITIONAL = "https://www.gnu.org/licenses/gpl-3.0.html#section7"
NOT_GRANTED_RULE = "exception-not-granted"
WIDENING_RULE = "exception-widens"


@dataclass(frozen=True, slots=True)
class Widening:
    """Code under ``base WITH exception`` may also go into ``into`` (empty: anywhere)."""

    base: tuple[str, ...]
    into: tuple[str, ...]
    reason: str
    sources: tuple[str, ...]


WIDENING: dict[str, Widening] = {
    "LLVM-exception": Widening(
        ("Apache-2.0",),
        ("GPL-2.0-only",),
        "the LLVM exception lets the combined software waive the Apache-2.0 sections that "
        "conflict with GPL-2.0, which is what makes Apache-2.0 code incompatible with it",
        ("https://llvm.org/LICENSE.txt", SPDX_EXCEPTION.format("LLVM-exception")),
    ),
    "Bison-exception-2.2": Widening(
        (),
        (),
        "the Bison exception lets the parser skeleton Bison copies into its output be "
        "distributed under terms of your choice (unless the work is itself a parser generator)",
        (SPDX_EXCEPTION.format("Bison-exception-2.2"),),
    ),
    **{
        exception: Widening(
            (),
            (),
            "the Autoconf exception lets a configure script Autoconf generates be distributed "
            "under terms of your choice",
            (SPDX_EXCEPTION.format(exception),),
        )
        for exception in (
            "Autoconf-exception-2.0",
            "Autoconf-exception-3.0",
            "Autoconf-exception-generic",
            "Autoconf-exception-generic-3.0",
        )
    },
}

LINKING_ONLY = frozenset(
    {
        "Classpath-exception-2.0",
        "GCC-exception-2.0",
        "GCC-exception-3.1",
        "LGPL-3.0-linking-exception",
        "Linux-syscall-note",
        "OpenJDK-assembly-exception-1.0",
        "Universal-FOSS-exception-1.0",
        "WxWindows-exception-3.1",
        "Qt-LGPL-exception-1.1",
        "eCos-exception-2.0",
        "Font-exception-2.0",
    }
)


def widens(exception: str, base: str, outbound: str) -> Widening | None:
    """The widening that lets ``base WITH exception`` into ``outbound``, if any."""
    found = WIDENING.get(exception)
    if found is None or (found.base and base not in found.base):
        return None
    if found.into and outbound not in found.into:
        return None
    return found


def not_granted_sources(exception: str) -> tuple[str, ...]:
    """What the not-granted rule cites for one exception."""
    return (FSF_EXCEPTIONS, GPL3_ADDITIONAL, SPDX_EXCEPTION.format(exception))
