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
  transactions), transfers, conversions; no money settles a sponsorship in another
  currency -> ``movements``
- refunds, never more than a sponsor paid (nor than the receipt named) -> ``refunds``
- paying an expense under its approval -> ``expenses``
- expense claims a payee submits: draft -> approved -> paid, or rejected -> ``claims``
- in-kind support valued against its contra account -> ``in_kind``
- recurring pledges: schedules (pure) -> ``schedule``; installments posted per period,
  cancellation -> ``recurring``; pledges still open at a date, overdue -> ``pledges``
- funding goals with progress, budgets with actuals -> ``plans``
- exchange rates stated for reports -> ``rates``
- a correction is the exact opposite, posted once -> ``reversals``
- sponsors (anonymous ones named only to maintainers) acknowledge commons terms;
  sponsorships -> ``sponsors``
- a sponsorship and its pledge under one idempotency key -> ``sponsoring``
- balances at a date, paged transactions, the full integrity check -> ``queries``
- the books checked forward from the journal (checkpoint, replayed balances), the
  integrity answer in O(1), an admin's full recheck -> ``checkpoints``
- influence metrics over a period (money received per sponsor) -> ``metrics``
- the transactions CSV: one row per fund leg, running balances -> ``export``
- Strawberry types and resolvers -> ``gql/``

In-kind support is posted to the books, not kept in a register of its own: at its
stated value, a ``kind = 'in_kind'`` transaction credits the sponsor's ``in_kind``
account (in-kind funding recognised) and debits ``in_kind_use:<category>`` (hardware,
ci_minutes, hosting, staff_time, services, other), its contra. Both legs are outside
``treasury``, so money held, overdraft checks, runway and every cash figure stay as
they were, while the support is journaled, balanced, reversible like any
transaction, in the CSV (``in_kind_value``) and in the report beside money. The
sponsor's ``income`` account is untouched, so in-kind value never lets a sponsor be
refunded money.

Money is integer minor units (an ISO 4217 code beside it) everywhere, and no account
balance may leave the signed 64-bit range (``balance_limit``): GraphQL serves amounts
as decimal strings with the minor units as an integer string that always fits int64,
and reports print minor units as strings (RFC 8785 numbers stop at 2**53).
"""
