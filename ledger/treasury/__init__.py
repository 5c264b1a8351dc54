"""The treasury: sponsor funding in double-entry books, on commons terms.

Where each rule lives:

- terms, sponsors, sponsorships, policy and approvals validate themselves -> ``models``
- the legs each movement posts, the balance check, account policy (pure) -> ``rules``
- posting a balanced transaction with its journal event, row locks -> ``books``
- an expense needs an approval (a passed proposal, or a maintainer where the
  policy allows); the policy itself -> ``approvals``
- pledges, receipts, refunds, transfers, conversions -> ``movements``
- paying an expense under its approval -> ``expenses``
- a correction is the exact opposite, posted once -> ``reversals``
- sponsors acknowledge commons terms; sponsorships -> ``sponsors``
- a sponsorship and its pledge under one idempotency key -> ``sponsoring``
- balances at a date, paged transactions, the full integrity check -> ``queries``
- the books checked forward from the journal (checkpoint, replayed balances), the
  integrity answer in O(1), an admin's full recheck -> ``checkpoints``
- influence metrics over a period (money received per sponsor) -> ``metrics``
- the transactions CSV with running balances -> ``export``
- Strawberry types and resolvers -> ``gql/``
"""
