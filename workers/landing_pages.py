"""Landing-page jobs: a CDN invalidation that failed while a page was published or unpublished."""

from __future__ import annotations

import logging

from backend.errors import StorageError
from backend.landing_pages import service as pages
from workers.base import TransientJobError, actor

logger = logging.getLogger(__name__)

# A CloudFront outage lasts minutes, not seconds: 8 retries over roughly 25-50 minutes (backoff
# 20-40 s, doubling, up to the broker's 10-minute cap) instead of the default three quick ones.
INVALIDATE_MAX_RETRIES = 8
INVALIDATE_MIN_BACKOFF_MS = 10_000


@actor(actor_name=pages.INVALIDATE_CDN_ACTOR, max_retries=INVALIDATE_MAX_RETRIES,
       min_backoff=INVALIDATE_MIN_BACKOFF_MS,
       failure_notice="Your landing page change was made, but the CDN could not be told to drop its cached "
                      "copy; visitors may see the previous version there until that cache expires.")
def invalidate_cdn(user_id: int, paths: list[str]) -> None:
    """Invalidate CDN paths of a page already published (its new file uploaded, its row published)
    or unpublished (its file deleted, its row cleared).
    Idempotent: invalidating a path again only makes the edges fetch it again."""
    try:
        invalidation = pages.invalidate_cdn(paths)
    except StorageError as exc:
        raise TransientJobError(f"CDN invalidation of {paths}: {exc.details.get('reason', exc.message)}") from exc
    logger.info("CDN paths %s invalidated (%s) for user %s", paths, invalidation, user_id)
