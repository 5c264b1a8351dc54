"""What a checkout declares: each file's license from its REUSE/SPDX information
(``SPDX-License-Identifier`` headers, ``.license`` files, REUSE.toml, .reuse/dep5),
read with the ``reuse`` library, judged against the project's outbound license.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reuse.exceptions import GlobalLicensingConflictError, GlobalLicensingParseError
from reuse.project import Project

from ledger.kernel.errors import InvalidInput
from licenses import spdx
from licenses.compat import Verdict, compatibility


@dataclass(frozen=True, slots=True)
class FileLicense:
    """One file's declared license (None when it declares none) and where it came from."""

    path: str
    declared: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FileVerdict:
    path: str
    declared: str | None
    status: str
    reason: str
    sources: tuple[str, ...] = ()


@dataclass
class ScanReport:
    """Every file's verdict against ``outbound`` and the counts per status."""

    outbound: str
    files: list[FileVerdict] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(f.status for f in self.files)
        statuses = ("compatible", "incompatible", "unknown", "invalid", "undeclared")
        return {s: counts.get(s, 0) for s in statuses}

    @property
    def incompatible(self) -> list[FileVerdict]:
        return [f for f in self.files if f.status == "incompatible"]

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-compatible data (incompatible files in full)."""
        return {
            "outbound": self.outbound,
            "summary": self.summary,
            "incompatible": [
                {
                    "path": f.path,
                    "declared": f.declared,
                    "reason": f.reason,
                    "sources": list(f.sources),
                }
                for f in self.incompatible
            ],
        }


def declared_licenses(root: Path) -> Iterator[FileLicense]:
    """Each covered file of the checkout with its declared license, by path."""
    try:
        with warnings.catch_warnings():
            # .reuse/dep5 still works; the library only recommends REUSE.toml instead.
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            project = Project.from_directory(root)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise InvalidInput(f"{root} is not a directory: {exc}", "path") from None
    except (GlobalLicensingParseError, GlobalLicensingConflictError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the REUSE configuration: {exc}", "path") from None
    paths = sorted(project.all_files(), key=lambda p: project.relative_from_root(p).as_posix())
    for path in paths:
        infos = project.reuse_info_of(path)
        expressions = sorted({str(e) for info in infos for e in info.spdx_expressions})
        sources = tuple(sorted({str(i.source_type.value) for i in infos if i.source_type}))
        declared = None
        if expressions:
            declared = " AND ".join(
                f"({e})" if len(expressions) > 1 and " " in e else e for e in expressions
            )
        yield FileLicense(project.relative_from_root(path).as_posix(), declared, sources)


def judge(declared: str | None, outbound: str, cache: dict[str, FileVerdict]) -> FileVerdict:
    """The verdict for one declared expression (memoised in ``cache`` by expression)."""
    if declared is None:
        return FileVerdict("", None, "undeclared", "no SPDX-License-Identifier or REUSE entry")
    if declared not in cache:
        try:
            verdict: Verdict = compatibility(spdx.normalize(declared), outbound)
            cache[declared] = FileVerdict(
                "", declared, verdict.status, verdict.reason, verdict.sources
            )
        except InvalidInput as exc:
            cache[declared] = FileVerdict("", declared, "invalid", exc.message)
    return cache[declared]


def scan(root: Path, outbound: str) -> ScanReport:
    """Judge every file of the checkout at ``root`` against the outbound license."""
    outbound = spdx.normalize(outbound)
    report = ScanReport(outbound)
    cache: dict[str, FileVerdict] = {}
    for item in declared_licenses(root):
        verdict = judge(item.declared, outbound, cache)
        report.files.append(
            FileVerdict(item.path, item.declared, verdict.status, verdict.reason, verdict.sources)
        )
    return report
