"""SDL lint: every field, input field and argument of the schema says what it is, and
every glossary entry describes something the code leaves undescribed."""

from __future__ import annotations

from app.composition import glossary
from app.schema import assemble, build_schema
from app.settings import Settings
from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)


def _undocumented(schema: GraphQLSchema) -> list[str]:
    missing = []
    for name, kind in sorted(schema.type_map.items()):
        if name.startswith("__") or not isinstance(
            kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
        ):
            continue
        for field_name, field in kind.fields.items():
            if not (field.description or "").strip():
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not (arg.description or "").strip():
                    missing.append(f"{name}.{field_name}({arg_name})")
    return missing


def test_every_field_and_argument_is_described() -> None:
    assert _undocumented(build_schema(Settings.from_env({}))._schema) == []


def test_every_glossary_entry_describes_something_left_undescribed() -> None:
    used = glossary.document(assemble(Settings.from_env({}))._schema)
    entries = {
        *glossary.TERMS,
        *(f"*.{name}" for name in glossary.FIELDS),
        *(f"*({name})" for name in glossary.ARGUMENTS),
    }
    assert sorted(entries - used) == []


def test_a_description_written_in_code_wins_over_the_glossary() -> None:
    schema = build_schema(Settings.from_env({}))._schema
    project = schema.get_type("Project")
    assert isinstance(project, GraphQLObjectType)
    # ``Project.contributions(filter)`` is described by the glossary's generic word,
    # ``Project.contributors(excludeBots)`` in code.
    assert (
        project.fields["contributions"].args["filter"].description == glossary.ARGUMENTS["filter"]
    )
    assert project.fields["contributors"].args["excludeBots"].description == (
        "Leave out contributors flagged as bots."
    )
