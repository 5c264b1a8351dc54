"""The API's vocabulary, defined once: descriptions of the fields and arguments the
areas' GraphQL types leave undescribed, applied when the schema is composed.

A description written beside a field in its area wins; this glossary fills what is
left, first by ``Type.field`` (``Type.field(argument)`` for arguments; one module per
area), then by name alone for words that mean one thing everywhere
(``ARGUMENTS``, ``FIELDS``). ``tests/unit/app/test_sdl_lint.py`` fails on any field or
argument left undescribed and on any entry here that describes nothing.
"""

from __future__ import annotations

from app.composition.glossary.funding import FUNDING
from app.composition.glossary.governance import GOVERNANCE
from app.composition.glossary.health import HEALTH, INTAKE_POLICY
from app.composition.glossary.licensing import INTAKE, LICENSING
from app.composition.glossary.register import CONTRIBUTIONS, JOURNAL, PEOPLE, PROJECT
from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

ARGUMENTS: dict[str, str] = {
    "project": "The project's slug.",
    "input": "What to record or change (the input type describes each field).",
    "first": "Page size reading forwards: 1 to 100, 20 by default.",
    "after": "Continue after this cursor (a page's `pageInfo.endCursor`).",
    "last": "Page size reading backwards from the end or from `before`: 1 to 100.",
    "before": "Continue before this cursor (a page's `pageInfo.startCursor`).",
    "orderBy": "The order of the list (its default when omitted).",
    "filter": "Narrow the list (every field optional).",
    "since": "From this instant on, inclusive.",
    "until": "Up to this instant, exclusive.",
}

FIELDS: dict[str, str] = {
    "project": "The project's slug.",
    "idempotencyKey": "Client-chosen key: replaying it returns the first result, never a second fact.",
    "memo": "Free text kept with the transaction.",
    "occurredOn": "Value date (default: today in UTC).",
    "recordedAt": "When the ledger recorded it.",
    "actor": "Who recorded it, as the journal names callers (never a name or an email).",
    "currency": "ISO 4217 currency code.",
    "amount": 'Exact decimal amount in the currency, as a string ("12.50").',
    "fund": "Treasury fund (account name) the money moves through.",
    "fromFund": "Fund the money leaves.",
    "toFund": "Fund the money reaches.",
    "sponsor": "Sponsor number.",
    "sponsorship": "Sponsorship number.",
    "id": "Opaque global id (`node(id)` fetches it).",
    "deliveryId": "Number of the webhook delivery in the inbox.",
    "forge": "Forge kind: github, gitlab, gitea, forgejo, bitbucket or standard.",
    "evidenceUrl": "Where the evidence can be seen (https URL).",
    "sha256": "Hex SHA-256 of the UTF-8 text.",
    "text": "The full text.",
    "title": "Short title.",
    "noOwnership": "The sponsor gains no ownership of the work.",
    "noExclusiveLicense": "The sponsor gains no exclusive license.",
    "noAccessRestriction": "The sponsor gains no privileged or restricted access.",
    "noRoadmapControl": "The sponsor gains no control of the roadmap.",
    "noVotesBought": "The sponsor gains no votes.",
    "payee": "Who is paid.",
    "purpose": "What the money is for.",
    "covered": "Counted contributions a grant covers.",
    "uncovered": "Counted contributions no grant covers.",
    "percentage": "Covered share in percent, two decimals (100 when there is nothing to cover).",
    "firstAt": "When the earliest counted contribution was made.",
    "lastAt": "When the latest counted contribution was made.",
    "displayName": "Name shown for the person.",
    "homepage": "Project home page (https URL).",
    "repositories": "Repository URLs of the project.",
    "slug": "The project's slug: lower-case letters, digits and dashes.",
    "description": "Free-text description.",
    "trademarkNotice": "Trademark notice, kept apart from copyright.",
    "effectiveFrom": "From when the text applies.",
    "licenseRef": "The `LicenseRef-` identifier the text is published under.",
    "version": "Version number.",
    "policyUrl": "Where the trademark policy is published.",
    "mark": "The trademark.",
    "owner": "Who owns the mark.",
    "notice": "The notice's wording.",
    "created": "True when this call created it, false when it existed already.",
    "replayed": "True when the idempotency key was used before: the first result is returned.",
}


TERMS: dict[str, str] = {
    **PROJECT,
    **PEOPLE,
    **CONTRIBUTIONS,
    **JOURNAL,
    **GOVERNANCE,
    **FUNDING,
    **LICENSING,
    **INTAKE,
    **HEALTH,
    **INTAKE_POLICY,
}


def _named(kind: object) -> bool:
    return isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType)


def _lookup(key: str, name: str, generic: dict[str, str], mark: str) -> tuple[str, str] | None:
    """(description, entry used) for a ``Type.field`` key or a generic name."""
    if key in TERMS:
        return TERMS[key], key
    if name in generic:
        return generic[name], mark.format(name)
    return None


def document(schema: GraphQLSchema) -> set[str]:
    """Fill every missing field and argument description of ``schema`` from the
    glossary; returns the entries used (``Type.field``, ``Type.field(arg)``, and
    ``*.name`` / ``*(name)`` for the generic words)."""
    used: set[str] = set()
    for type_name, kind in schema.type_map.items():
        if type_name.startswith("__") or not _named(kind):
            continue
        for field_name, field in kind.fields.items():  # type: ignore[attr-defined]
            key = f"{type_name}.{field_name}"
            found = None if field.description else _lookup(key, field_name, FIELDS, "*.{}")
            if found is not None:
                field.description = found[0]
                used.add(found[1])
            for arg_name, arg in getattr(field, "args", {}).items():
                if arg.description:
                    continue
                found = _lookup(f"{key}({arg_name})", arg_name, ARGUMENTS, "*({})")
                if found is not None:
                    arg.description = found[0]
                    used.add(found[1])
    return used
