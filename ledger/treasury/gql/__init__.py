"""GraphQL of the treasury: ``root`` (the Treasury type and its queries), ``mutations``,
``types`` (output types) and ``inputs`` (inputs, payloads and result unions)."""
