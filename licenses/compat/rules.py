"""The project's own compatibility rules, laid over the OSADL matrix: each names
fixed-version pairs, says why and cites the steward or authority it follows (FSF,
OSI, Apache, MPL, Creative Commons).

A rule decides the pairs it names even where OSADL answers too; the answer then
carries OSADL's opinion beside it, so where the two disagree both are shown (Apache-2.0
into MIT: OSADL says Yes, these rules say No because Apache-2.0's NOTICE and patent
terms still bind that part). Rules are read top to bottom; the first rule naming a
pair decides it. They name fixed versions only: "or later" and ``WITH`` are read by
``licenses.compat.pairs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from licenses.compat.verdict import Status

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


@dataclass(frozen=True, slots=True)
class Rule:
    """``inbound`` work may (or may not) go into ``outbound`` works, because ``reason``."""

    name: str
    inbound: tuple[str, ...]
    outbound: tuple[str, ...]
    status: Status
    reason: str
    sources: tuple[str, ...]


RULES: tuple[Rule, ...] = (
    Rule(
        "cc0-in",
        ("CC0-1.0",),
        KNOWN,
        "compatible",
        "CC0 dedicates the work to the public domain (with a fallback license), so it may be "
        "included in a work under any license",
        (FSF_CC0, CC_COMPATIBLE),
    ),
    Rule(
        "cc0-out",
        tuple(k for k in KNOWN if k not in ("CC0-1.0", "0BSD")),
        ("CC0-1.0",),
        "incompatible",
        "a CC0 work waives every condition, but {inbound} keeps at least its notice or "
        "attribution condition",
        (FSF_CC0, FSF_COMPATIBILITY),
    ),
    Rule(
        "permissive",
        PERMISSIVE,
        SOFTWARE,
        "compatible",
        "{inbound} is a permissive license that only asks for its notice to be kept, so the "
        "combined work may be distributed under {outbound}",
        (FSF_LIST, OSI),
    ),
    Rule(
        "apache-gpl2",
        ("Apache-2.0",),
        (*GPL2, *LGPL21),
        "incompatible",
        "Apache-2.0's patent termination and indemnification terms are further restrictions "
        "that GPL-2.0 does not allow",
        (APACHE_GPL, FSF_LIST + "#apache2"),
    ),
    Rule(
        "apache-gpl3",
        ("Apache-2.0",),
        (*LGPL3, *GPL3, *AGPL3),
        "compatible",
        "Apache-2.0 is compatible with version 3 of the GNU licenses",
        (APACHE_GPL, FSF_LIST + "#apache2"),
    ),
    Rule(
        "mpl-secondary",
        ("MPL-2.0",),
        GNU,
        "compatible",
        "MPL-2.0 section 3.3 lets covered code be distributed under {outbound} as a Secondary "
        "License (unless its files say 'Incompatible With Secondary Licenses')",
        (MPL_FAQ, FSF_LIST + "#MPL-2.0"),
    ),
    Rule(
        "lgpl21-to-gpl",
        LGPL21,
        (*GPL2, *GPL3, *AGPL3),
        "compatible",
        "LGPL-2.1 section 3 lets the code be relicensed under GPL-2.0 or any later version",
        (FSF_MATRIX,),
    ),
    Rule(
        "lgpl3-to-gpl3",
        LGPL3,
        (*GPL3, *AGPL3),
        "compatible",
        "LGPL-3.0 is GPL-3.0 with additional permissions, which may be removed",
        (FSF_MATRIX,),
    ),
    Rule(
        "gpl3-agpl3",
        GPL3,
        AGPL3,
        "compatible",
        "section 13 of GPL-3.0 and AGPL-3.0 allows combining them; the GPL-3.0 part keeps "
        "its own terms",
        (FSF_MATRIX, FSF_LIST + "#AGPLv3.0"),
    ),
    Rule(
        "agpl3-gpl3",
        AGPL3,
        GPL3,
        "compatible",
        "section 13 of GPL-3.0 and AGPL-3.0 allows combining them; the AGPL-3.0 part keeps "
        "its network-interaction requirement",
        (FSF_MATRIX, FSF_LIST + "#AGPLv3.0"),
    ),
    Rule(
        "gnu-v2-only",
        (*GPL2, *LGPL21),
        (*GPL3, *LGPL3, *AGPL3),
        "incompatible",
        "{inbound} without 'or later' cannot be relicensed under version 3, and the version 3 "
        "terms are further restrictions version 2 does not allow",
        (FSF_MATRIX,),
    ),
    Rule(
        "gnu-v3-into-v2",
        (*GPL3, *LGPL3, *AGPL3),
        (*GPL2, *LGPL21),
        "incompatible",
        "{inbound} adds requirements that version 2 of the GNU licenses does not allow",
        (FSF_MATRIX,),
    ),
    Rule(
        "gpl-into-lgpl",
        (*GPL2, *GPL3, *AGPL3),
        (*LGPL21, *LGPL3),
        "incompatible",
        "the combined work would have to be distributed under {inbound}, not under {outbound}",
        (FSF_MATRIX,),
    ),
    Rule(
        "copyleft-into-permissive",
        ("MPL-2.0", *GNU, *CC_BY_SA),
        (*PERMISSIVE, "Apache-2.0", "MPL-2.0", *CC_BY),
        "incompatible",
        "{inbound} is a copyleft license: the combined work must stay under {inbound}, so it "
        "cannot be offered under {outbound}",
        (FSF_COMPATIBILITY, MPL_FAQ),
    ),
    Rule(
        "apache-notice",
        ("Apache-2.0",),
        (*PERMISSIVE, *CC_BY),
        "incompatible",
        "Apache-2.0's NOTICE and patent terms would still bind that part, so the combined work "
        "cannot be offered under {outbound} alone",
        (FSF_COMPATIBILITY, OSI),
    ),
    Rule(
        "cc-by-adaptation",
        CC_BY,
        (*CC_BY, *CC_BY_SA),
        "compatible",
        "an adaptation of CC BY material may be licensed under any license that keeps the "
        "attribution, including {outbound}",
        (CC_COMPATIBLE,),
    ),
    Rule(
        "cc-by-sa-later",
        ("CC-BY-SA-3.0",),
        ("CC-BY-SA-4.0",),
        "compatible",
        "CC BY-SA 3.0 section 4(b) allows adaptations under a later version of BY-SA",
        (CC_COMPATIBLE,),
    ),
    Rule(
        "cc-by-sa-earlier",
        ("CC-BY-SA-4.0",),
        ("CC-BY-SA-3.0",),
        "incompatible",
        "ShareAlike allows the same or a later version of BY-SA, not an earlier one",
        (CC_COMPATIBLE,),
    ),
    Rule(
        "cc-by-sa4-gpl3",
        ("CC-BY-SA-4.0",),
        GPL3,
        "compatible",
        "Creative Commons declared CC BY-SA 4.0 one-way compatible with GPL-3.0",
        (CC_BYSA_GPL, FSF_CCBYSA),
    ),
    Rule(
        "cc-by-sa4-gnu",
        ("CC-BY-SA-4.0",),
        (*GPL2, *LGPL21, *LGPL3),
        "incompatible",
        "Creative Commons declared CC BY-SA 4.0 compatible with GPL-3.0 only (one way); "
        "{outbound} is not on its list of compatible licenses",
        (CC_COMPATIBLE, FSF_CCBYSA),
    ),
    Rule(
        "cc-by-sa3-gnu",
        ("CC-BY-SA-3.0",),
        GNU,
        "incompatible",
        "only CC BY-SA 4.0 is declared compatible with a GNU license (GPL-3.0, one way)",
        (FSF_CCBYSA, CC_BYSA_GPL),
    ),
    Rule(
        "cc-by4-gpl3",
        ("CC-BY-4.0",),
        GPL3,
        "compatible",
        "the FSF lists CC BY 4.0 as compatible with GPL-3.0",
        (FSF_CCBY,),
    ),
)


@cache
def table() -> dict[tuple[str, str], Rule]:
    """Each (inbound, outbound) pair the rules name, first rule first."""
    pairs: dict[tuple[str, str], Rule] = {}
    for rule in RULES:
        for inbound in rule.inbound:
            for outbound in rule.outbound:
                if inbound != outbound:
                    pairs.setdefault((inbound, outbound), rule)
    return pairs
