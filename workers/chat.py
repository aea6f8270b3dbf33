"""Chat jobs: close answers left half-written by a process that died, refunding their holds."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from backend.chat import service as chat
from backend.db import unit_of_work
from workers.base import actor

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=1)


@actor(actor_name="chat.recover_interrupted_turns")
def recover_interrupted_turns() -> None:
    with unit_of_work() as session:
        closed = chat.recover_interrupted_turns(session, older_than=datetime.now(UTC) - STALE_AFTER)
    if closed:
        logger.warning("closed %d interrupted chat answer(s) and refunded their holds", closed)
