"""Composition root: settings, database, auth, the Litestar app, the GraphQL schema, the CLI."""
