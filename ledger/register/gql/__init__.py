"""GraphQL of the register: ``root`` (Query, Mutation, node resolvers), ``types``
(output types), ``inputs`` (inputs, payloads and result unions)."""
