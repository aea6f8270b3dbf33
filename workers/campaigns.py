"""Campaign jobs: push local changes to the ad platform (Property 22)."""

from __future__ import annotations

import logging

from backend.campaigns import service as campaigns
from backend.db import unit_of_work
from backend.integrations.ad_platforms import PlatformTransientError
from workers.base import TransientJobError, actor

logger = logging.getLogger(__name__)


@actor(actor_name="campaigns.sync", failure_notice="A campaign change could not be sent to the ad platform.")
def sync(campaign_id: int) -> None:
    """Idempotent: it sends the campaign's current state, whatever changed how many times."""
    try:
        with unit_of_work() as session:
            campaign = campaigns.sync(session, campaign_id=campaign_id)
            outcome = (campaign.sync_status, campaign.sync_error) if campaign else None
    except PlatformTransientError as exc:
        raise TransientJobError(f"campaign {campaign_id}: {exc.message}") from exc
    if outcome is None:
        logger.info("campaign %s is gone; nothing to sync", campaign_id)
    else:
        logger.info("campaign %s sync: %s %s", campaign_id, *outcome)
