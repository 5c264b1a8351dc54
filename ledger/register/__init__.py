"""The register: projects, contributors with their identities and affiliations,
contributions and the credit they earn.

Where each rule lives:

- a record validates itself (``X.validated()``) -> ``models``
- the field checks every package shares (a slug, a name, free text, a URL) -> ``models``
- a project starts its journal and credit policy -> ``projects``
- one identity belongs to one contributor; organisations and affiliations -> ``people``
- which projects know an identity, and so who may see its email -> ``sightings``
- a person's personal data becomes a tombstone at their request -> ``erasure``
- a contribution is recorded once per natural key, with its credit and rollups -> ``contributions``
- the rollups per contributor, month and kind, added to or recounted -> ``rollups``
- a credit weight per kind, versioned and append-only -> ``credit``
- loading a project's past by COPY, resumable imports -> ``bulk/``
- keyset-paged reads and totals -> ``queries``
- Strawberry types and resolvers, no rules and no SQL -> ``gql/``
"""
