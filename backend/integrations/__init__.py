"""Adapters to the outside world, each behind a small interface with an embedded default.

storage (S3 | local directory), email (SMTP | console + outbox), ad_platforms (meta | sandbox).
See docs/integrations.md for the settings of each.
"""
