"""SPDX expressions, the grant register (DCO, ICLA, CCLA, inbound=outbound), coverage,
compatibility and trademark notices.

Where each rule lives:

- an SPDX expression parses, validates and normalises -> ``spdx``
- a grant's records and their validation (pure) -> ``models``
- every grant is non-exclusive; record, withdraw, read -> ``grants``
- a sign-off trailer becomes a DCO grant -> ``dco``
- agreement texts pinned by SHA-256; ``LicenseRef-`` texts -> ``agreements``
- which grant covers a contribution, in SQL -> ``coverage`` (``coverage_sql``)
- may inbound work be included under the outbound license -> ``compat``
  (the cited table in ``compat_data``)
- a checkout's REUSE/SPDX declarations -> ``reuse_scan``
- trademarks stay apart from copyright -> ``trademarks``
- Strawberry types and resolvers -> ``gql/``
"""
