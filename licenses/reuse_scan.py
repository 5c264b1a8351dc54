"""What a checkout declares: each file's license from its REUSE/SPDX information
(``SPDX-License-Identifier`` headers, ``.license`` files, REUSE.toml, .reuse/dep5),
read with the ``reuse`` library, judged against the project's outbound license.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reuse.copyright import SpdxExpression
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
    """One file's answer: ``status`` is compatible, incompatible, unknown, invalid (the
    declaration is not SPDX; ``reason`` says where) or undeclared."""

    path: str
    declared: str | None
    status: str
    reason: str
    verdict: Verdict | None = None
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The file's entry in a JSON report."""
        entry: dict[str, Any] = {"path": self.path, "declared": self.declared}
        entry["reason"] = self.reason
        if self.verdict is not None:
            entry["decided_by"] = list(self.verdict.decided_by)
            entry["sources"] = list(self.verdict.sources)
        return entry


STATUSES = ("compatible", "incompatible", "unknown", "invalid", "undeclared")
LISTED = ("incompatible", "unknown", "invalid")
"""The statuses a report lists file by file, each as prominently as the others."""


@dataclass
class ScanReport:
    """Every file's verdict against ``outbound`` and the counts per status."""

    outbound: str
    files: list[FileVerdict] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(f.status for f in self.files)
        return {s: counts.get(s, 0) for s in STATUSES}

    def having(self, status: str) -> list[FileVerdict]:
        """The files with ``status``, by path."""
        return [f for f in self.files if f.status == status]

    @property
    def disputed(self) -> list[FileVerdict]:
        """Files whose verdict another source disagrees with."""
        return [f for f in self.files if f.verdict is not None and f.verdict.disputed]

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-compatible data: incompatible, unknown and invalid files in
        full, the disputed verdicts with every source's opinion, the lenient readings."""
        report: dict[str, Any] = {"outbound": self.outbound, "summary": self.summary}
        for status in LISTED:
            report[status] = [f.as_json() for f in self.having(status)]
        report["disputed"] = [
            {**f.as_json(), "status": f.status, "opinions": _opinions(f)} for f in self.disputed
        ]
        report["warnings"] = [
            {"path": f.path, "declared": f.declared, "warnings": list(f.warnings)}
            for f in self.files
            if f.warnings
        ]
        return report


def _opinions(item: FileVerdict) -> list[dict[str, Any]]:
    assert item.verdict is not None
    return [
        {
            "inbound": finding.inbound,
            "outbound": finding.outbound,
            "source": opinion.source,
            "status": opinion.status,
            "verdict": opinion.verdict,
            "reason": opinion.reason,
        }
        for finding in item.verdict.findings
        for opinion in finding.opinions
        if opinion.status != finding.status
    ]


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
        expressions = sorted({_text(e) for info in infos for e in info.spdx_expressions})
        sources = tuple(sorted({str(i.source_type.value) for i in infos if i.source_type}))
        declared = None
        if expressions:
            declared = " AND ".join(
                f"({e})" if len(expressions) > 1 and " " in e else e for e in expressions
            )
        yield FileLicense(project.relative_from_root(path).as_posix(), declared, sources)


def _text(expression: SpdxExpression) -> str:
    """The expression as the file wrote it: ``str()`` would have the library parse and
    rewrite it (and raise on some invalid ones), before this package judged it."""
    return str(vars(expression)["_text"])


def judge(declared: str | None, outbound: str, cache: dict[str, FileVerdict]) -> FileVerdict:
    """The verdict for one declared expression (memoised in ``cache`` by expression)."""
    if declared is None:
        return FileVerdict("", None, "undeclared", "no SPDX-License-Identifier or REUSE entry")
    if declared not in cache:
        try:
            checked = spdx.check(declared)
            verdict = compatibility(checked.expression, outbound)
            cache[declared] = FileVerdict(
                "", declared, verdict.status, verdict.reason, verdict, checked.warnings
            )
        except spdx.ExpressionError as exc:
            cache[declared] = FileVerdict("", declared, "invalid", exc.message)
    return cache[declared]


def scan(root: Path, outbound: str) -> ScanReport:
    """Judge every file of the checkout at ``root`` against the outbound license; a file
    whose declaration is not SPDX is reported ``invalid`` and the scan goes on."""
    outbound = spdx.check(outbound).expression
    report = ScanReport(outbound)
    cache: dict[str, FileVerdict] = {}
    for item in declared_licenses(root):
        verdict = judge(item.declared, outbound, cache)
        report.files.append(replace(verdict, path=item.path))
    return report
