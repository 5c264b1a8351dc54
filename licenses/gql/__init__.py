"""GraphQL of licenses: ``root`` (queries and node resolvers), ``mutations``, ``types``,
``inputs`` and ``enums``."""
