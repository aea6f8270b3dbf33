"""Send a job only once the caller's transaction has committed.

A worker must never pick up a message for a row it cannot see yet, and a rolled-back request
must not leave jobs behind. So services never send messages directly; they call

    enqueue_after_commit(session, "notifications.deliver_email", outbox.id)

which registers the send with `backend.db.after_commit`: it runs right after COMMIT and is
dropped on rollback. Actors are named by their dotted actor name, so this module never imports
the actor modules (workers import the services, not the other way round).

A send that fails after the commit (the broker unreachable) is logged, not raised: the data is
already committed, and every job that matters has a periodic sweeper that finds such rows
(e.g. `notifications.requeue_stuck_emails`).
"""

from __future__ import annotations

import logging
from typing import Any

from dramatiq import Actor, Message
from sqlmodel import Session

from backend.db import after_commit

logger = logging.getLogger(__name__)

DEFAULT_QUEUE = "default"


def enqueue_after_commit(session: Session, actor: str | Actor, *args: Any, **kwargs: Any) -> None:
    """Send `actor(*args, **kwargs)` after `session` commits; nothing is sent on rollback.

    Arguments must be JSON-serialisable ids, never rows: the actor reloads what it needs.
    """

    def _send() -> None:
        try:
            send_now(actor, *args, **kwargs)
        except Exception:
            name = actor if isinstance(actor, str) else actor.actor_name
            logger.exception("could not enqueue job %s%r after commit", name, args)

    after_commit(session, _send)


def send_now(actor: str | Actor, *args: Any, **kwargs: Any) -> Message:
    """Send a message at once (outside any transaction: schedulers, scripts, other jobs).

    The message always goes to the process's current broker (`workers.broker.get_broker()`),
    whichever broker the actor object was declared on.
    """
    from workers.broker import get_broker

    broker = get_broker()
    name = actor if isinstance(actor, str) else actor.actor_name
    declared = actor if isinstance(actor, Actor) else broker.actors.get(name)
    if declared is not None:
        return broker.enqueue(declared.message(*args, **kwargs))
    # The actor's module is not imported in this process (an API process needs only the broker):
    # send by name. Actors on another queue than the default must be imported before sending.
    return broker.enqueue(Message(queue_name=DEFAULT_QUEUE, actor_name=name, args=args, kwargs=kwargs, options={}))
