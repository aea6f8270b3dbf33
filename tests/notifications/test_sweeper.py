"""`stuck_email_ids`: which outbox emails the periodic sweeper hands to the delivery job again."""

from __future__ import annotations

from datetime import timedelta

from backend.integrations.email import queue_email
from backend.models import EmailStatus
from backend.models.base import utcnow
from backend.notifications import service as notifications
from tests.factories import make_user

TEN_MINUTES = timedelta(minutes=10)


def _email(session, user, *, age: timedelta, status: EmailStatus = EmailStatus.QUEUED, error: str | None = None):
    row = queue_email(session, user_id=user.id, to=user.email, subject="S", body="B")
    row.created_at, row.status, row.error = utcnow() - age, status, error
    session.add(row)
    session.flush()
    return row.id


class TestStuckEmailIds:
    def test_transient_failures_are_retried_for_a_day_permanent_ones_never(self, session):
        user = make_user(session)
        smtp_down = _email(session, user, age=timedelta(hours=1), status=EmailStatus.FAILED,
                           error="transient: SMTP failed: [Errno 111] Connection refused")
        still_retrying = _email(session, user, age=timedelta(minutes=1), status=EmailStatus.FAILED,
                                error="transient: SMTP 421")
        given_up = _email(session, user, age=timedelta(hours=25), status=EmailStatus.FAILED,
                          error="transient: SMTP failed")
        refused = _email(session, user, age=timedelta(hours=1), status=EmailStatus.FAILED,
                         error="permanent: SMTP 550")
        never_sent = _email(session, user, age=timedelta(hours=1))
        sent = _email(session, user, age=timedelta(hours=1), status=EmailStatus.SENT)
        ids = set(notifications.stuck_email_ids(session, older_than=TEN_MINUTES))
        assert {smtp_down, never_sent} <= ids
        assert not {still_retrying, given_up, refused, sent} & ids
