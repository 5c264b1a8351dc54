"""The refusal codes are a closed, documented list: every code has a one-line meaning,
docs/errors.md lists exactly these codes with those meanings, every code is used, and
no Conflict is made anywhere without a code from the list."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

from ledger.kernel.errors import Conflict, ConflictCode

ROOT = Path(__file__).resolve().parents[4]
PACKAGES = ("app", "intake", "reports", "governance", "licenses", "ledger")
DOC = ROOT / "docs" / "errors.md"
ROW = re.compile(r"^\| `([a-z_]+)` \| (.+) \|$")


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, ast.parse(path.read_text())


SOURCES = dict(_sources())


def _subclasses(cls: type[Conflict]) -> set[type[Conflict]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def _conflict_family() -> set[type[Conflict]]:
    for module in SOURCES:
        importlib.import_module(module)
    return {Conflict, *_subclasses(Conflict)}


FAMILY = _conflict_family()


def test_every_code_has_a_one_line_meaning_and_a_snake_case_name() -> None:
    for code in ConflictCode:
        assert re.fullmatch("[a-z]+(_[a-z]+)*", code.value), code
        assert code.name == code.value.upper(), code
        assert 0 < len(code.meaning) <= 80, code
        assert "\n" not in code.meaning, code


def test_the_documentation_lists_every_code_with_its_meaning_and_nothing_else() -> None:
    documented = [m.groups() for line in DOC.read_text().splitlines() if (m := ROW.match(line))]
    assert documented == [(code.value, code.meaning) for code in ConflictCode]


def test_every_code_is_raised_somewhere() -> None:
    used = {
        node.attr
        for module, tree in SOURCES.items()
        if module != "ledger.kernel.errors"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "ConflictCode"
    }
    used |= {_fixed_code(cls).name for cls in FAMILY if "code" not in _parameters(cls)}
    assert sorted(code.name for code in ConflictCode if code.name not in used) == []


def _parameters(cls: type[Conflict]) -> list[str]:
    return list(inspect.signature(cls.__init__).parameters)


def _fixed_code(cls: type[Conflict]) -> ConflictCode:
    code = cls("message").code  # type: ignore[call-arg]
    assert isinstance(code, ConflictCode), cls
    return code


def test_a_conflict_kind_either_takes_a_code_or_fixes_one_from_the_list() -> None:
    for cls in FAMILY:
        if "code" in _parameters(cls):
            assert _parameters(cls) == ["self", "message", "code"], cls
        else:
            _fixed_code(cls)


def test_no_conflict_is_made_without_a_code_from_the_list() -> None:
    takes_code = {cls.__name__ for cls in FAMILY if "code" in _parameters(cls)}
    members = set(ConflictCode.__members__)
    calls = 0
    problems = []
    for module, tree in SOURCES.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in takes_code or module == "ledger.kernel.errors":
                continue
            calls += 1
            given = [k.value for k in node.keywords if k.arg == "code"] + node.args[1:2]
            ok = (
                len(given) == 1
                and isinstance(given[0], ast.Attribute)
                and isinstance(given[0].value, ast.Name)
                and given[0].value.id == "ConflictCode"
                and given[0].attr in members
            )
            if not ok:
                problems.append(f"{module}:{node.lineno} {ast.unparse(node)[:80]}")
    assert problems == []
    assert calls > len(takes_code)  # the scan did reach the raise sites
