"""The treasury: sponsor funding in double-entry books, on commons terms.

Where each rule lives:

- terms, sponsors, sponsorships, policy and approvals validate themselves -> ``models``
- the legs each movement posts, the balance check, account policy on every day from
  a movement's value date, the int64 limit of balances (pure) -> ``rules``
- posting a balanced transaction with its journal event, row locks, the balances
  later-dated entries give -> ``books``
- one idempotency key space for every treasury mutation, value dates, fund accounts
  -> ``posting``
- an expense needs an approval (a passed proposal, or a maintainer where the
  policy allows); the policy itself -> ``approvals``
- pledges (with due dates), receipts (gross, with their fees as their own
  transactions), refunds, transfers, conversions; no money settles a sponsorship in
  another currency -> ``movements``
- paying an expense under its approval -> ``expenses``
- a correction is the exact opposite, posted once -> ``reversals``
- sponsors (anonymous ones named only to maintainers) acknowledge commons terms;
  sponsorships -> ``sponsors``
- a sponsorship and its pledge under one idempotency key -> ``sponsoring``
- balances at a date, paged transactions, the integrity check -> ``queries``
- influence metrics over a period (money received per sponsor) -> ``metrics``
- the transactions CSV: one row per fund leg, running balances -> ``export``
- Strawberry types and resolvers -> ``gql/``
"""
