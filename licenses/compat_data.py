"""The compatibility table: may work under license A be included in a work distributed
under license B? Each rule cites where the answer comes from.

Rules are read top to bottom; the first rule naming a pair decides it. Versions with
"or later" are expanded by ``compat`` before the table is consulted, so the table
names only fixed versions. Pairs no rule names are "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["compatible", "incompatible", "unknown"]

FSF_LIST = "https://www.gnu.org/licenses/license-list.html"
FSF_MATRIX = "https://www.gnu.org/licenses/gpl-faq.html#AllCompatibility"
FSF_COMPATIBILITY = "https://www.gnu.org/licenses/license-compatibility.html"
FSF_CC0 = "https://www.gnu.org/licenses/license-list.html#CC0"
FSF_CCBY = "https://www.gnu.org/licenses/license-list.html#ccby"
FSF_CCBYSA = "https://www.gnu.org/licenses/license-list.html#ccbysa"
APACHE_GPL = "https://www.apache.org/licenses/GPL-compatibility.html"
MPL_FAQ = "https://www.mozilla.org/en-US/MPL/2.0/FAQ/"
OSI = "https://opensource.org/licenses"
CC_COMPATIBLE = (
    "https://creativecommons.org/share-your-work/licensing-considerations/compatible-licenses/"
)
CC_BYSA_GPL = (
    "https://creativecommons.org/2015/10/08/cc-by-sa-4-0-now-one-way-compatible-with-gplv3/"
)

PERMISSIVE = ("MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC", "0BSD")
GPL2 = ("GPL-2.0-only",)
GPL3 = ("GPL-3.0-only",)
AGPL3 = ("AGPL-3.0-only",)
LGPL21 = ("LGPL-2.1-only",)
LGPL3 = ("LGPL-3.0-only",)
GNU = (*LGPL21, *LGPL3, *GPL2, *GPL3, *AGPL3)
SOFTWARE = (*PERMISSIVE, "Apache-2.0", "MPL-2.0", *GNU)
CC_BY = ("CC-BY-3.0", "CC-BY-4.0")
CC_BY_SA = ("CC-BY-SA-3.0", "CC-BY-SA-4.0")
KNOWN = (*SOFTWARE, "CC0-1.0", *CC_BY, *CC_BY_SA)

# "X-or-later" means X or any later version the table knows.
LATER_VERSIONS: dict[str, tuple[str, ...]] = {
    "GPL-2.0-or-later": ("GPL-2.0-only", "GPL-3.0-only"),
    "GPL-3.0-or-later": ("GPL-3.0-only",),
    "LGPL-2.1-or-later": ("LGPL-2.1-only", "LGPL-3.0-only"),
    "LGPL-3.0-or-later": ("LGPL-3.0-only",),
    "AGPL-3.0-or-later": ("AGPL-3.0-only",),
}
# Deprecated SPDX ids the table reads as their current equivalents.
ALIASES: dict[str, str] = {"AGPL-3.0": "AGPL-3.0-only", "GPL-3.0": "GPL-3.0-only"}


@dataclass(frozen=True, slots=True)
class Rule:
    """``inbound`` work may (or may not) go into ``outbound`` works, because ``reason``."""

    inbound: tuple[str, ...]
    outbound: tuple[str, ...]
    status: Status
    reason: str
    sources: tuple[str, ...]


RULES: tuple[Rule, ...] = (
    Rule(
        ("CC0-1.0",),
        KNOWN,
        "compatible",
        "CC0 dedicates the work to the public domain (with a fallback license), so it may be "
        "included in a work under any license",
        (FSF_CC0, CC_COMPATIBLE),
    ),
    Rule(
        KNOWN,
        ("CC0-1.0",),
        "incompatible",
        "a CC0 work waives every condition, but {inbound} keeps at least its notice or "
        "attribution condition",
        (FSF_CC0, FSF_COMPATIBILITY),
    ),
    Rule(
        PERMISSIVE,
        SOFTWARE,
        "compatible",
        "{inbound} is a permissive license that only asks for its notice to be kept, so the "
        "combined work may be distributed under {outbound}",
        (FSF_LIST, OSI),
    ),
    Rule(
        ("Apache-2.0",),
        (*GPL2, *LGPL21),
        "incompatible",
        "Apache-2.0's patent termination and indemnification terms are further restrictions "
        "that GPL-2.0 does not allow",
        (APACHE_GPL, FSF_LIST + "#apache2"),
    ),
    Rule(
        ("Apache-2.0",),
        (*LGPL3, *GPL3, *AGPL3),
        "compatible",
        "Apache-2.0 is compatible with version 3 of the GNU licenses",
        (APACHE_GPL, FSF_LIST + "#apache2"),
    ),
    Rule(
        ("MPL-2.0",),
        GNU,
        "compatible",
        "MPL-2.0 section 3.3 lets covered code be distributed under {outbound} as a Secondary "
        "License (unless its files say 'Incompatible With Secondary Licenses')",
        (MPL_FAQ, FSF_LIST + "#MPL-2.0"),
    ),
    Rule(
        LGPL21,
        (*GPL2, *GPL3, *AGPL3),
        "compatible",
        "LGPL-2.1 section 3 lets the code be relicensed under GPL-2.0 or any later version",
        (FSF_MATRIX,),
    ),
    Rule(
        LGPL3,
        (*GPL3, *AGPL3),
        "compatible",
        "LGPL-3.0 is GPL-3.0 with additional permissions, which may be removed",
        (FSF_MATRIX,),
    ),
    Rule(
        GPL3,
        AGPL3,
        "compatible",
        "section 13 of GPL-3.0 and AGPL-3.0 allows combining them; the GPL-3.0 part keeps "
        "its own terms",
        (FSF_MATRIX, FSF_LIST + "#AGPLv3.0"),
    ),
    Rule(
        AGPL3,
        GPL3,
        "compatible",
        "section 13 of GPL-3.0 and AGPL-3.0 allows combining them; the AGPL-3.0 part keeps "
        "its network-interaction requirement",
        (FSF_MATRIX, FSF_LIST + "#AGPLv3.0"),
    ),
    Rule(
        (*GPL2, *LGPL21),
        (*GPL3, *LGPL3, *AGPL3),
        "incompatible",
        "{inbound} without 'or later' cannot be relicensed under version 3, and the version 3 "
        "terms are further restrictions version 2 does not allow",
        (FSF_MATRIX,),
    ),
    Rule(
        (*GPL3, *LGPL3, *AGPL3),
        (*GPL2, *LGPL21),
        "incompatible",
        "{inbound} adds requirements that version 2 of the GNU licenses does not allow",
        (FSF_MATRIX,),
    ),
    Rule(
        (*GPL2, *GPL3, *AGPL3),
        (*LGPL21, *LGPL3),
        "incompatible",
        "the combined work would have to be distributed under {inbound}, not under {outbound}",
        (FSF_MATRIX,),
    ),
    Rule(
        ("MPL-2.0", *GNU, *CC_BY_SA),
        (*PERMISSIVE, "Apache-2.0", "MPL-2.0", *CC_BY),
        "incompatible",
        "{inbound} is a copyleft license: the combined work must stay under {inbound}, so it "
        "cannot be offered under {outbound}",
        (FSF_COMPATIBILITY, MPL_FAQ),
    ),
    Rule(
        ("Apache-2.0",),
        (*PERMISSIVE, *CC_BY),
        "incompatible",
        "Apache-2.0's NOTICE and patent terms would still bind that part, so the combined work "
        "cannot be offered under {outbound} alone",
        (FSF_COMPATIBILITY, OSI),
    ),
    Rule(
        CC_BY,
        (*CC_BY, *CC_BY_SA),
        "compatible",
        "an adaptation of CC BY material may be licensed under any license that keeps the "
        "attribution, including {outbound}",
        (CC_COMPATIBLE,),
    ),
    Rule(
        ("CC-BY-SA-3.0",),
        ("CC-BY-SA-4.0",),
        "compatible",
        "CC BY-SA 3.0 section 4(b) allows adaptations under a later version of BY-SA",
        (CC_COMPATIBLE,),
    ),
    Rule(
        ("CC-BY-SA-4.0",),
        ("CC-BY-SA-3.0",),
        "incompatible",
        "ShareAlike allows the same or a later version of BY-SA, not an earlier one",
        (CC_COMPATIBLE,),
    ),
    Rule(
        ("CC-BY-SA-4.0",),
        GPL3,
        "compatible",
        "Creative Commons declared CC BY-SA 4.0 one-way compatible with GPL-3.0",
        (CC_BYSA_GPL, FSF_CCBYSA),
    ),
    Rule(
        ("CC-BY-SA-3.0",),
        GNU,
        "incompatible",
        "only CC BY-SA 4.0 is declared compatible with a GNU license (GPL-3.0, one way)",
        (FSF_CCBYSA, CC_BYSA_GPL),
    ),
    Rule(
        ("CC-BY-4.0",),
        GPL3,
        "compatible",
        "the FSF lists CC BY 4.0 as compatible with GPL-3.0",
        (FSF_CCBY,),
    ),
)
