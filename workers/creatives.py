"""Creative jobs: remove uploads that were never confirmed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from backend.creatives import service as creatives
from backend.db import unit_of_work
from workers.base import actor

logger = logging.getLogger(__name__)
PENDING_GRACE = timedelta(hours=6)  # presigned uploads expire long before this


@actor(actor_name="creatives.purge_stale_pending")
def purge_stale_pending() -> None:
    """Hourly: pending creatives older than the grace period lose their row and any bytes."""
    with unit_of_work() as session:
        removed = creatives.purge_stale_pending(session, older_than=datetime.now(UTC) - PENDING_GRACE)
    if removed:
        logger.info("removed %d unconfirmed upload(s)", removed)
