"""Proposals, electorates, ballots, delegation and tally methods.

Where each rule lives:

- a proposal validates itself (method, options, parameters, electorate rule,
  action); lifecycle and quorum -> ``models``
- who may vote, snapshotted when a proposal opens -> ``electorate``
- create, open, withdraw, cast, close, each with its journal event -> ``service``
- a secret ballot's receipt, and the per-proposal secret -> ``receipts``
- the count at close, the tally sheet, the recount -> ``count``
- delegation is resolved at tally time, through the electorate only, pure -> ``delegation``
- one person one vote across contributor merges, pure -> ``people``
- what a passed proposal changes, applied once -> ``effects``
- rechecking a decided proposal from the journal alone -> ``audit``
- voting roles and delegations -> ``voters`` (SQL in ``voter_store``)
- SQL of proposals, electors and ballots -> ``store``
- closing due proposals in the background -> ``closer``; live tallies -> ``live``
- each tally method, pure (Schulze, majority, approval, consensus) -> ``methods/``;
  Debian's A.5 (Schulze count in ``methods.schulze``, its parameters and tie rule in
  ``methods.ranked``), the counting rules version and ratios in ``methods.base``
- Strawberry types and resolvers -> ``gql/``
"""
