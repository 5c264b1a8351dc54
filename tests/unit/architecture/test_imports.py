"""The layers hold: imports flow ``app -> {intake, reports} -> {governance, licenses} ->
ledger``, nothing imports ``app``, only ``app`` knows the web framework, the ledger's
subpackages stack ``kernel < graphql < journal < register < treasury``, and no two
modules import each other, even through others."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("app", "intake", "reports", "governance", "licenses", "ledger")
RANK = {"app": 3, "intake": 2, "reports": 2, "governance": 1, "licenses": 1, "ledger": 0}
LEDGER_RANK = {"kernel": 0, "graphql": 1, "journal": 2, "register": 3, "treasury": 4}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, top_level_only: bool) -> set[str]:
    nodes = tree.body if top_level_only and isinstance(tree, ast.Module) else ast.walk(tree)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] in (*PACKAGES, "litestar")}


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            graph[_module(path)] = _imports(ast.parse(path.read_text()), top_level_only)
    return graph


GRAPH = _graph(top_level_only=False)


def test_imports_flow_one_way_between_packages() -> None:
    wrong = sorted(
        (module, name)
        for module, names in GRAPH.items()
        for name in names
        if name.split(".")[0] in RANK
        and name.split(".")[0] != module.split(".")[0]
        and RANK[name.split(".")[0]] >= RANK[module.split(".")[0]]
    )
    assert wrong == []


def test_nothing_imports_the_composition_root() -> None:
    wrong = sorted(
        (module, name)
        for module, names in GRAPH.items()
        if not module.startswith("app")
        for name in names
        if name.split(".")[0] == "app"
    )
    assert wrong == []


def test_only_the_composition_root_knows_the_web_framework() -> None:
    wrong = sorted(
        module
        for module, names in GRAPH.items()
        if not module.startswith("app") and any(n.split(".")[0] == "litestar" for n in names)
    )
    assert wrong == []


def test_ledger_subpackages_stack_in_order() -> None:
    wrong = []
    for module, names in GRAPH.items():
        parts = module.split(".")
        if parts[0] != "ledger" or len(parts) < 2:
            continue
        for name in names:
            target = name.split(".")
            if target[0] != "ledger" or len(target) < 2 or target[1] == parts[1]:
                continue
            if LEDGER_RANK[target[1]] > LEDGER_RANK[parts[1]]:
                wrong.append((module, name))
    assert sorted(wrong) == []


def test_no_import_circle_between_modules() -> None:
    graph = _graph(top_level_only=True)
    modules = set(graph)
    edges: dict[str, set[str]] = defaultdict(set)
    for module, names in graph.items():
        for name in names:
            # ``from a.b import c`` names either a module a.b.c or a name in a.b.
            target = name if name in modules else name.rpartition(".")[0]
            if target in modules and target != module and not module.startswith(target + "."):
                edges[module].add(target)
    circles = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in edges[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    assert circles == []


def test_a_family_of_modules_is_a_folder_not_a_prefix() -> None:
    families: dict[tuple[Path, str], int] = defaultdict(int)
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            stem = path.stem.lstrip("_")
            if "_" in stem:
                families[(path.parent, stem.split("_")[0])] += 1
    assert sorted((str(d.relative_to(ROOT)), p) for (d, p), n in families.items() if n >= 4) == []
