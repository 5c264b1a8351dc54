"""``extend type``: fields an area defines for a type it does not own, attached to that
type when the schema is composed (the way SDL's ``extend type Project`` reads).

The composition root may import every area; an area may not import those above it.
So ``Project`` stays the register's type, and the fields that reach other areas
(proposals, grants, the treasury...) are written here, in ``app``, as classes of
Strawberry fields whose resolvers take the ``Project`` as their parent.
"""

from __future__ import annotations

from strawberry.types.base import get_object_definition


def extend_type(target: type, *extensions: type) -> None:
    """Attach every field of ``extensions`` to the Strawberry type ``target`` (once;
    a field name the target already has from elsewhere is refused)."""
    definition = get_object_definition(target, strict=True)
    have = {field.python_name: field for field in definition.fields}
    for extension in extensions:
        for field in get_object_definition(extension, strict=True).fields:
            known = have.get(field.python_name)
            if known is field:
                continue
            if known is not None:
                raise TypeError(f"{target.__name__}.{field.python_name} is defined twice")
            definition.fields.append(field)
            have[field.python_name] = field
