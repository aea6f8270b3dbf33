"""Report jobs: sync metrics from the platforms (every 15 min) and archive old data (daily)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from backend.ad_accounts import service as ad_accounts
from backend.db import unit_of_work
from backend.integrations.ad_platforms import MetricsLevel, PlatformAuthError, PlatformTransientError, get_platform
from backend.jobs.enqueue import send_now
from backend.models import AdAccount, AdAccountStatus
from backend.reports import service as reports
from backend.reports.service import MetricInput
from workers.base import TransientJobError, actor
from workers.ad_accounts import notify_reconnect

logger = logging.getLogger(__name__)
SYNC_DAYS = 3  # platforms revise recent days (late conversions)


@actor(actor_name="reports.sync_metrics")
def sync_metrics() -> None:
    """Periodic: one sync job per active ad account."""
    with unit_of_work() as session:
        ids = ad_accounts.active_account_ids(session)
    for account_id in ids:
        send_now(sync_account, account_id)


@actor(actor_name="reports.sync_account")
def sync_account(account_id: int) -> None:
    """Fetch the last days' metrics of one account at campaign level and store them (Property 19)."""
    until = datetime.now(UTC).date()
    since = until - timedelta(days=SYNC_DAYS - 1)
    try:
        with unit_of_work() as session:
            account = session.get(AdAccount, account_id)
            if account is None or account.status != AdAccountStatus.ACTIVE:
                return
            token = ad_accounts.usable_access_token(account)
            try:
                fetched = get_platform(account.platform).fetch_metrics(
                    token, account.platform_account_id, since, until, MetricsLevel.CAMPAIGN)
            except PlatformAuthError as exc:
                ad_accounts.mark_token_failed(session, account=account, error=exc.message)
                notify_reconnect(session, account=account, reason=exc.message)
                return
            rows = [MetricInput(ad_account_id=account.id, timestamp=datetime.combine(r.date, time.min, tzinfo=UTC),
                                entity_type=r.entity_type, entity_id=r.entity_id, entity_name=r.entity_name,
                                impressions=r.impressions, clicks=r.clicks, spend=r.spend, conversions=r.conversions,
                                revenue=r.revenue) for r in fetched]
            reports.save_metrics(session, user_id=account.user_id, rows=rows)
            account.last_synced_at = datetime.now(UTC)
            session.add(account)
    except PlatformTransientError as exc:
        raise TransientJobError(f"metrics of ad account {account_id}: {exc.message}") from exc


@actor(actor_name="reports.archive_old_metrics")
def archive_old_metrics() -> None:
    """Daily: move metrics older than 90 days into monthly summaries (Property 20), in batches."""
    total = 0
    while True:
        with unit_of_work() as session:
            moved = reports.archive_old_metrics(session)
        total += moved
        if not moved:
            break
    if total:
        logger.info("archived %d daily metric rows", total)
