"""SPDX expressions, the grant register (DCO, ICLA, CCLA, inbound=outbound), coverage,
compatibility and trademark notices.

Where each rule lives:

- an SPDX expression parses strictly (SPDX 2.3 / 3.0), normalises, and says what it
  read leniently (deprecated ids, ScanCode aliases) -> ``spdx/``
- a grant's records and their validation (pure): a CCLA is granted by an organisation
  and authorises someone, a DCO sign-off grants no sublicensing -> ``models``
  (``NewGrant.validated``)
- recording or withdrawing a grant, for every caller: its license settled against the
  project's, its agreement text pinned -> ``service``
- every grant is non-exclusive; its rows, read and written -> ``grants``
- a sign-off trailer becomes its signer's DCO grant, recomputed when people merge or
  unmerge -> ``dco/`` (what a grant is made of -> ``work``; settling a commit and
  signer -> ``settle``; recording and recomputing -> ``record``; a history import's
  batch settled first and its grants encoded beside its COPY -> ``bulk``; many at
  once by COPY -> ``copy``)
- agreement texts pinned by SHA-256; ``LicenseRef-`` texts -> ``agreements``
- which grant covers a contribution, in SQL -> ``coverage`` (``coverage_sql``)
- may inbound work be included under the outbound license -> ``compat/`` (the OSADL
  matrix, the project's cited rules over it, "or later" and ``WITH`` exceptions)
- a checkout's REUSE/SPDX declarations, file by file -> ``reuse_scan``
- trademarks stay apart from copyright -> ``trademarks``
- Strawberry types and resolvers -> ``gql/``
"""
