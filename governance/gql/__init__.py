"""GraphQL of governance: ``root`` (queries, mutations, the live-tally subscription),
``types`` (output types) and ``inputs`` (inputs, payloads and result unions)."""
