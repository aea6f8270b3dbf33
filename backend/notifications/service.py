"""Notifications: in-app rows, email through the outbox, read state, low-balance alerts.

Channels (Property 26): urgent → in-app + email whatever the preferences say; important and
general → in-app, plus email when the user's preferences allow the category
(`schemas.NotificationPreferences`). Email is never sent inside the request: an `email_outbox`
row is written in the caller's transaction and `notifications.deliver_email` is enqueued after
commit. Services never commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from backend.config import get_settings
from backend.credits.service import HoldResult, LedgerResult
from backend.errors import NotFound, ValidationFailed
from backend.integrations.email import queue_email
from backend.jobs.enqueue import enqueue_after_commit
from backend.models import EmailOutbox, EmailStatus, Notification, NotificationType, User
from backend.models.base import utcnow
from backend.notifications import emails
from backend.notifications.schemas import (
    Channel,
    NotificationCategory,
    NotificationPreferences,
    NotificationPreferencesUpdate,
)

logger = logging.getLogger(__name__)

DELIVER_EMAIL_ACTOR = "notifications.deliver_email"
LOW_BALANCE_CATEGORY = NotificationCategory.CREDITS
MAX_PAGE_SIZE = 100
RETRY_FAILED_EMAILS_FOR = timedelta(hours=24)  # an email failing (SMTP down) this long is given up


# --- sending ---------------------------------------------------------------------------------


def get_preferences(user: User) -> NotificationPreferences:
    return NotificationPreferences.from_stored(user.notification_preferences)


def update_preferences(session: Session, *, user_id: int, data: NotificationPreferencesUpdate) -> NotificationPreferences:
    user = _get_user(session, user_id)
    current = get_preferences(user)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    merged = NotificationPreferences(
        email_enabled=changes.get("email_enabled", current.email_enabled),
        email_categories={**current.email_categories, **changes.get("email_categories", {})},
    )
    user.notification_preferences = merged.model_dump()
    session.add(user)
    session.flush()
    return merged


def channels_for(preferences: NotificationPreferences, *, type: str, category: str) -> list[str]:
    """The channels a notification goes out on; in-app always, email per type and preferences."""
    channels = [Channel.IN_APP.value]
    if preferences.wants_email(type, category):
        channels.append(Channel.EMAIL.value)
    return channels


def create_notification(
    session: Session,
    *,
    user_id: int,
    type: NotificationType | str,
    category: str,
    title: str,
    message: str,
    action_url: str | None = None,
    action_text: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Notification:
    """Write the in-app notification and, when its channels include email, queue the email
    (delivered by a job after the caller commits)."""
    type_ = _parse_type(type)
    user = _get_user(session, user_id)
    channels = channels_for(get_preferences(user), type=type_, category=category)
    notification = Notification(
        user_id=user_id,
        type=type_,
        category=category,
        title=title[:255],
        message=message,
        action_url=action_url,
        action_text=action_text,
        sent_via=channels,
        meta=dict(metadata or {}),
    )
    session.add(notification)
    session.flush()
    if Channel.EMAIL in channels:
        rendered = emails.render(user, title=title[:255], message=message, action_url=action_url,
                                 action_text=action_text)
        outbox = queue_email(
            session, user_id=user_id, to=user.email, subject=title[:255],
            body=rendered.text, body_html=rendered.html,
        )
        notification.meta = {**notification.meta, "email_outbox_id": outbox.id}
        session.add(notification)
        session.flush()
        enqueue_after_commit(session, DELIVER_EMAIL_ACTOR, outbox.id)
    return notification


def notify_low_balance(
    session: Session, *, user_id: int, ledger_result: LedgerResult | HoldResult
) -> Notification | None:
    """Urgent email + in-app alert when a balance change crossed below the critical threshold
    (Property 34). Once per crossing: only the change that crossed reports `crossed_critical`
    (a replay reports nothing), and the balance must rise above the threshold to cross again.
    """
    if not ledger_result.crossed_critical or ledger_result.replayed:
        return None
    threshold = get_settings().low_balance_critical
    balance = ledger_result.balance.total
    return create_notification(
        session,
        user_id=user_id,
        type=NotificationType.URGENT,
        category=LOW_BALANCE_CATEGORY,
        title="Your credit balance is low",
        message=(
            f"Your balance is {balance} credits, below {threshold}. Paid operations stop when it "
            "runs out; recharge to keep your campaigns and agent running."
        ),
        action_url="/billing",
        action_text="Recharge",
        metadata={
            "kind": "low_balance",
            "balance": str(balance),
            "threshold": str(threshold),
            "transaction_ids": [tx.id for tx in _transactions_of(ledger_result)],
        },
    )


def stuck_email_ids(
    session: Session, *, older_than: timedelta, limit: int = 500, retry_failed_for: timedelta = RETRY_FAILED_EMAILS_FOR
) -> list[int]:
    """Outbox emails to hand to the delivery job again, written more than `older_than` ago:
    still `queued` (their delivery job was never sent), or failed for a reason that may pass
    (SMTP down longer than the job's few retries), for up to `retry_failed_for` after they were
    written. Delivery never sends a sent email twice, so handing one over again is safe."""
    now = utcnow()
    retry_transient = and_(EmailOutbox.status == EmailStatus.FAILED, col(EmailOutbox.error).startswith("transient:"),
                           col(EmailOutbox.created_at) >= now - retry_failed_for)
    return list(
        session.exec(
            select(EmailOutbox.id)
            .where(or_(EmailOutbox.status == EmailStatus.QUEUED, retry_transient),
                   col(EmailOutbox.created_at) < now - older_than)
            .order_by(col(EmailOutbox.id))
            .limit(limit)
        ).all()
    )


# --- reading and read state ------------------------------------------------------------------


def get_owned_or_raise(session: Session, *, user_id: int, notification_id: int) -> Notification:
    """The user's notification; another user's (or a missing) id is NotFound, never Forbidden."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFound("Notification not found", details={"notification_id": notification_id})
    return notification


def list_notifications(
    session: Session,
    user_id: int,
    *,
    unread_only: bool = False,
    type: NotificationType | str | None = None,
    category: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Notification], int]:
    """A page of the user's notifications, newest first, and the total matching the filters."""
    if limit < 1 or limit > MAX_PAGE_SIZE or offset < 0:
        raise ValidationFailed(f"limit must be 1..{MAX_PAGE_SIZE} and offset >= 0")
    conditions = [Notification.user_id == user_id]
    if unread_only:
        conditions.append(col(Notification.is_read).is_(False))
    if type is not None:
        conditions.append(Notification.type == _parse_type(type))
    if category is not None:
        conditions.append(Notification.category == category)
    total = session.exec(select(func.count()).select_from(Notification).where(*conditions)).one()
    rows = session.exec(
        select(Notification)
        .where(*conditions)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, col(Notification.is_read).is_(False))
        ).one()
    )


def mark_read(session: Session, *, user_id: int, notification_id: int) -> Notification:
    """Set `is_read` and `read_at` (Property 27). Reading it again keeps the first `read_at`."""
    notification = get_owned_or_raise(session, user_id=user_id, notification_id=notification_id)
    if not notification.is_read:
        notification.is_read = True
        notification.read_at = utcnow()
        session.add(notification)
        session.flush()
    return notification


def mark_all_read(session: Session, *, user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    result = session.exec(
        update(Notification)
        .where(Notification.user_id == user_id, col(Notification.is_read).is_(False))
        .values(is_read=True, read_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)


# --- internals -------------------------------------------------------------------------------


def _parse_type(value: NotificationType | str) -> NotificationType:
    try:
        return NotificationType(value)
    except ValueError:
        raise ValidationFailed(
            "Unknown notification type", details={"type": str(value), "allowed": [t.value for t in NotificationType]}
        ) from None


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User not found", details={"user_id": user_id})
    return user


def _transactions_of(result: LedgerResult | HoldResult) -> list[Any]:
    if isinstance(result, HoldResult):
        return list(result.transactions)
    return [result.transaction]


