"""The record of jobs that failed for good (Property 32), written by the workers' middleware."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session, col, select

from backend.models import JobFailure, NotificationType, User

logger = logging.getLogger(__name__)

JOBS_CATEGORY = "jobs"
DEFAULT_NOTICE = "A background task could not be completed after several attempts. Our team has been told."


def record_job_failure(
    session: Session,
    *,
    actor_name: str,
    message_id: str,
    user_id: int | None,
    args: list[Any],
    error: str,
    retries: int,
    notice: str | None = None,
) -> JobFailure:
    """Write the `job_failures` row and, when the job was a user's, notify them in the app.

    Idempotent on `message_id`: a failure recorded twice (a worker restarted mid-bookkeeping)
    keeps the first row and sends no second notification.
    """
    existing = session.exec(select(JobFailure).where(JobFailure.message_id == message_id)).first()
    if existing is not None:
        return existing
    if user_id is not None and session.get(User, user_id) is None:
        user_id = None  # the user is gone (deleted); keep the failure, tell nobody
    failure = JobFailure(
        actor_name=actor_name, message_id=message_id, user_id=user_id, args=args, error=error, retries=retries
    )
    session.add(failure)
    session.flush()
    if user_id is not None:
        from backend.notifications.service import create_notification

        create_notification(
            session,
            user_id=user_id,
            type=NotificationType.IMPORTANT,
            category=JOBS_CATEGORY,
            title="A background task failed",
            message=notice or DEFAULT_NOTICE,
            metadata={"job_failure_id": failure.id, "actor_name": actor_name, "message_id": message_id},
        )
    return failure


def list_job_failures(
    session: Session, *, actor_name: str | None = None, user_id: int | None = None, limit: int = 50, offset: int = 0
) -> list[JobFailure]:
    query = select(JobFailure)
    if actor_name is not None:
        query = query.where(JobFailure.actor_name == actor_name)
    if user_id is not None:
        query = query.where(JobFailure.user_id == user_id)
    query = query.order_by(col(JobFailure.created_at).desc(), col(JobFailure.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query).all())
