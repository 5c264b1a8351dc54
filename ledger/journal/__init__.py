"""The journal: one append-only, hash-chained log of events per project, its Merkle
tree, signed tree heads and the instance's signing keys.

Where each rule lives:

- what events exist, the shape of each body, reading one (``decode``) and writing one
  (``encode``), refusing unknown types and versions, the published JSON Schema
  -> ``events`` (one module per area: ``register``, ``treasury``, ``governance``,
  ``licenses``, ``intake``)
- an event's hash is ``SHA-256(prev_hash || RFC 8785 document)``; appends serialise
  per project on the head row -> ``chain``
- RFC 8785 canonical JSON, SHA-256, the genesis value, timestamps -> ``canonical``
- RFC 9162 tree hashes and proofs, pure -> ``merkle``
- stored subtrees, proofs served from them, signed tree heads -> ``heads``
- Ed25519 keys on disk, the newest signs, every one verifies -> ``keys``
- how far each chain is verified (a checkpoint moved by appends, the background
  checker and full rechecks), answered in O(1) -> ``checkpoints``
- the background checker's loop over the incremental checks -> ``checker``
- GraphQL of events, length, head and verification -> ``gql``

The database refuses UPDATE, DELETE and TRUNCATE on ``journal_events``.
"""
