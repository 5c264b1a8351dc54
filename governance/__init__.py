"""Proposals, electorates, ballots, delegation and tally methods.

Where each rule lives:

- a proposal validates itself (method, options, parameters, electorate rule,
  action); lifecycle and quorum -> ``models``
- who may vote, snapshotted when a proposal opens -> ``electorate``
- create, open, withdraw, cast, close, each with its journal event -> ``service``
- a secret ballot's receipt, fresh and random for every cast -> ``receipts``; what is
  public about secret ballots when, what a receipt proves and what the operator can
  still see -> ``docs/secret-ballots.md``
- the count at close, the tally sheet, the recount -> ``count``
- delegation is resolved at tally time, through the electorate only, pure -> ``delegation``
- one person one vote across contributor merges, pure -> ``people``
- what a passed proposal changes, applied once -> ``effects``
- rechecking a decided proposal from the journal alone (a secret sheet against the
  voter list and the electorate; an elector's own check of the list) -> ``audit``
- voting roles and delegations -> ``voters`` (SQL in ``voter_store``)
- the code of conduct, adopted by the hash of its text -> ``conduct``
- SQL of proposals, electors and ballots -> ``store``
- closing due proposals in the background -> ``closer``; live tallies -> ``live``
- each tally method, pure (Schulze, majority, approval, consensus) -> ``methods/``;
  Debian's A.5 (Schulze count in ``methods.schulze``, its parameters and tie rule in
  ``methods.ranked``), the counting rules version and ratios in ``methods.base``
- Strawberry types and resolvers -> ``gql/``
"""
