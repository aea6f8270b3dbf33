"""Notification jobs: deliver queued emails, and re-send the ones whose enqueue was lost."""

from __future__ import annotations

import logging
from datetime import timedelta

from backend.db import unit_of_work
from backend.integrations import email
from backend.jobs.enqueue import send_now
from backend.models import EmailStatus
from backend.notifications import service as notifications
from workers.base import PermanentJobError, TransientJobError, actor

logger = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)


@actor(actor_name="notifications.deliver_email")
def deliver_email(outbox_id: int) -> None:
    """Send one outbox email. A sent row is left alone (idempotent); a transient failure is
    committed on the row first, then raised so dramatiq retries with backoff."""
    with unit_of_work() as session:
        row = email.deliver(session, outbox_id)
        status, error = (row.status, row.error) if row is not None else (None, None)
        retry = email.should_retry(row)
    if status is None:
        logger.info("email %s is gone; nothing to deliver", outbox_id)
        return
    if retry:
        raise TransientJobError(f"email {outbox_id}: {error}")
    if status == EmailStatus.FAILED:
        raise PermanentJobError(f"email {outbox_id}: {error}")


@actor(actor_name="notifications.requeue_stuck_emails")
def requeue_stuck_emails() -> None:
    """Periodic: enqueue delivery of emails still queued long after they were written (the
    process died, or the broker was down, between commit and enqueue), and of emails whose
    delivery failed for a reason that may pass (SMTP down) after their job's own retries."""
    with unit_of_work() as session:
        ids = notifications.stuck_email_ids(session, older_than=STUCK_AFTER)
    for outbox_id in ids:
        send_now(deliver_email, outbox_id)
    if ids:
        logger.warning("re-enqueued %d stuck or failed email(s)", len(ids))
