"""Background jobs seen from the services: enqueue after commit, and the record of failed jobs.

The actors themselves live in `workers/`; services name them by their dotted actor name.
"""

from backend.jobs.enqueue import enqueue_after_commit, send_now

__all__ = ["enqueue_after_commit", "send_now"]
