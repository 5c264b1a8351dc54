"""What every package of the service relies on, with no domain in it.

- ``errors``: the error tree every package raises (``CommonsError`` and its kinds) and
  the closed list of refusal codes (``ConflictCode``).
- ``boundary``: the one ordered table from driver and OS errors to those errors.
- ``paging``: opaque keyset cursors and page-size rules.
- ``principal``: who is asking (verified token claims) and the role checks.
- ``context``: what a resolver may rely on in ``info.context``.
- ``idempotency``: Stripe-style idempotency keys inside the caller's transaction.
- ``money``: integer minor units of an ISO 4217 currency.
- ``codecs``: the JSON codecs every database connection shares.
- ``pseudonyms``: keyed pseudonyms of personal values (an email, a token's subject).
- ``personal``: which fields are personal (the ``PERSONAL`` marker) and the guard that
  refuses emails and IP addresses where they never belong.
- ``spreadsheet``: the one CSV writer, which defuses spreadsheet formulas.
"""
