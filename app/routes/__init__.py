"""HTTP routes other than the GraphQL schema itself: one module per concern
(``graphql`` persisted operations, ``webhooks``, ``reports``, ``treasury`` CSV,
``health``). Handlers are thin: they call a use case of a domain package."""
