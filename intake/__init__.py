"""Forge webhooks (verify, inbox, worker), git history backfill, identity resolution,
bot filtering."""
