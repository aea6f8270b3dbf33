"""Ad account jobs: refresh tokens before they expire (Property 3) and handle failures (Property 4)."""

from __future__ import annotations

import logging

from backend.ad_accounts import service as ad_accounts
from backend.db import unit_of_work
from backend.integrations.ad_platforms import PlatformTransientError
from backend.jobs.enqueue import send_now
from backend.models import AdAccount
from backend.notifications import service as notifications
from backend.notifications.schemas import NotificationCategory
from workers.base import TransientJobError, actor

logger = logging.getLogger(__name__)


@actor(actor_name="ad_accounts.refresh_expiring_tokens")
def refresh_expiring_tokens() -> None:
    """Periodic (hourly): one refresh job per account whose token expires within 24 hours."""
    with unit_of_work() as session:
        due = ad_accounts.accounts_due_for_refresh(session)
    for account_id in due:
        send_now(refresh_token, account_id)
    if due:
        logger.info("enqueued token refresh for %d ad account(s)", len(due))


@actor(actor_name="ad_accounts.refresh_token")
def refresh_token(account_id: int) -> None:
    """Refresh one account. A refused grant pauses the account's automated operations, sets
    the reconnect banner and sends an urgent notification (in-app and email)."""
    try:
        with unit_of_work() as session:
            account = session.get(AdAccount, account_id)
            if account is None or account.status != "active":
                return
            outcome = ad_accounts.refresh_tokens(session, account=account)
            if not outcome.refreshed:
                notify_reconnect(session, account=account, reason=outcome.error or "authorization refused")
    except PlatformTransientError as exc:
        raise TransientJobError(f"ad account {account_id}: {exc.message}") from exc


def notify_reconnect(session, *, account: AdAccount, reason: str) -> None:
    notifications.create_notification(
        session, user_id=account.user_id, type="urgent", category=NotificationCategory.AD_ACCOUNTS,
        title=f"Reconnect {account.account_name}",
        message=(f"We could not renew access to your {account.platform} ad account “{account.account_name}” "
                 f"({reason}). Its automated operations are paused until you reconnect it."),
        action_url="/settings", action_text="Reconnect",
        metadata={"ad_account_id": account.id},
    )
