"""The exported SDL, the persisted operations and the packaging of ``graphql/``."""

from __future__ import annotations

import tomllib
from pathlib import Path

from graphql.validation import NoDeprecatedCustomRule
from setuptools import find_packages

import graphql
from app.composition import SUPERSEDED
from app.persisted.catalogue import OPERATIONS, load_operations
from app.schema import build_schema, sdl
from app.settings import Settings
from graphql import GraphQLObjectType, OperationDefinitionNode, parse, validate

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = build_schema(Settings.from_env({}))._schema


def test_the_committed_sdl_matches_the_schema() -> None:
    committed = (ROOT / "graphql" / "schema.graphql").read_text()
    assert committed == sdl(), (
        "graphql/schema.graphql is out of date: run `.venv/bin/commons schema` and commit it"
    )


def test_there_are_persisted_operations_for_the_dashboards() -> None:
    assert {"ProjectOverview", "ProjectJournal"} <= set(load_operations())


def test_every_persisted_operation_validates_against_the_schema() -> None:
    operations = load_operations()
    assert operations, f"no operations in {OPERATIONS}"
    for name, text in operations.items():
        document = parse(text)
        assert validate(SCHEMA, document) == [], name


def test_no_persisted_operation_reads_a_deprecated_field() -> None:
    for name, text in load_operations().items():
        assert validate(SCHEMA, parse(text), [NoDeprecatedCustomRule]) == [], name


def test_root_fields_of_one_project_are_deprecated_for_project_fields() -> None:
    query = SCHEMA.query_type
    assert query is not None
    deprecated = {n for n, f in query.fields.items() if f.deprecation_reason}
    assert deprecated == set(SUPERSEDED)
    assert {"project", "projects", "contributor", "node", "nodes"} <= set(query.fields)
    project = SCHEMA.get_type("Project")
    assert isinstance(project, GraphQLObjectType)
    assert set(SUPERSEDED.values()) <= set(project.fields)


def test_every_persisted_operation_is_one_operation_named_as_its_file() -> None:
    for name, text in load_operations().items():
        definitions = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
        assert [d.name.value if d.name else None for d in definitions] == [name]


def test_graphql_core_is_imported_from_site_packages() -> None:
    location = Path(graphql.__file__).resolve()
    assert "site-packages" in location.parts, location
    assert not location.is_relative_to(ROOT / "graphql"), location


def test_our_graphql_folder_holds_no_python() -> None:
    assert sorted((ROOT / "graphql").rglob("*.py")) == []
    assert not (ROOT / "graphql" / "__init__.py").exists()


def test_the_graphql_folder_is_not_a_package_of_ours() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = project["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = set(find_packages(where=str(ROOT), include=include))
    assert not any(name == "graphql" or name.startswith("graphql.") for name in packages)
    assert {"app", "ledger", "ledger.treasury", "ledger.journal", "app.cli"} <= packages


def test_every_folder_of_our_packages_is_packaged() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = project["tool"]["setuptools"]["packages"]["find"]["include"]
    packaged = set(find_packages(where=str(ROOT), include=include))
    roots = {name for name in include if "*" not in name}
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for root in roots
        for init in (ROOT / root).rglob("__init__.py")
    }
    assert on_disk == packaged
