"""Notifications: in-app rows, email via the outbox, preferences, read state (service.py)."""
