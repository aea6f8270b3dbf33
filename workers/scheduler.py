"""Periodic jobs: an APScheduler that only *enqueues* actors by name; workers do the work.

Production runs exactly one scheduler process (`python -m workers.scheduler`) next to the
`dramatiq` workers; the embedded shape starts it inside the app (`workers.start_embedded_jobs`).
A second scheduler would enqueue every periodic job twice; the actors are idempotent, so that
costs work but not correctness.

`PERIODIC_JOBS` is the whole schedule. Actors that are not declared yet (their module is not
written, or not imported in this process) are skipped with a log line, so the table can name
jobs before they exist.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from dramatiq import Broker

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """One row of the schedule: an actor (no arguments) and an APScheduler trigger."""

    actor_name: str
    trigger: str  # "interval" or "cron"
    trigger_args: dict[str, Any] = field(default_factory=dict)


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("ad_accounts.refresh_expiring_tokens", "interval", {"hours": 1}),
    PeriodicJob("reports.sync_metrics", "interval", {"minutes": 15}),
    PeriodicJob("reports.archive_old_metrics", "cron", {"hour": 3, "minute": 17}),
    PeriodicJob("privacy.cleanup_expired_exports", "interval", {"hours": 1}),
    PeriodicJob("privacy.requeue_stuck_exports", "interval", {"minutes": 5}),
    PeriodicJob("notifications.requeue_stuck_emails", "interval", {"minutes": 10}),
    PeriodicJob("creatives.purge_stale_pending", "interval", {"hours": 1}),
    PeriodicJob("chat.recover_interrupted_turns", "interval", {"minutes": 30}),
)

JOB_DEFAULTS = {
    "coalesce": True,  # after downtime, run a missed job once, not once per missed slot
    "max_instances": 1,
    "misfire_grace_time": 5 * 60,
}

_lock = threading.Lock()
_scheduler: BackgroundScheduler | None = None


def enqueue_periodic(broker: Broker, actor_name: str) -> None:
    """The scheduler's job: send one message to the actor; a broker error is logged, not fatal."""
    actor = broker.actors.get(actor_name)
    if actor is None:
        logger.warning("scheduler: actor %s is not declared; skipped", actor_name)
        return
    try:
        broker.enqueue(actor.message())
    except Exception:
        logger.exception("scheduler: could not enqueue %s", actor_name)
    else:
        logger.info("scheduler: enqueued %s", actor_name)


def build_scheduler(broker: Broker, jobs: Iterable[PeriodicJob] = PERIODIC_JOBS) -> BackgroundScheduler:
    """A (not started) scheduler with one APScheduler job per declared actor of `jobs`."""
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults=JOB_DEFAULTS)
    for job in jobs:
        if job.actor_name not in broker.actors:
            logger.info("scheduler: %s is not declared yet; not scheduled", job.actor_name)
            continue
        scheduler.add_job(
            enqueue_periodic,
            job.trigger,
            args=(broker, job.actor_name),
            id=job.actor_name,
            name=job.actor_name,
            replace_existing=True,
            **job.trigger_args,
        )
    return scheduler


def start_scheduler(broker: Broker | None = None, jobs: Iterable[PeriodicJob] = PERIODIC_JOBS) -> BackgroundScheduler:
    """Start the process's scheduler (idempotent). Loads the actor modules first when no broker
    is given, so every declared periodic actor is found."""
    global _scheduler
    with _lock:
        if _scheduler is not None:
            return _scheduler
        if broker is None:
            from workers import setup

            broker = setup()
        scheduler = build_scheduler(broker, jobs)
        scheduler.start()
        _scheduler = scheduler
        logger.info("scheduler started: %s", ", ".join(job.id for job in scheduler.get_jobs()) or "no jobs")
        return scheduler


def stop_scheduler() -> None:
    global _scheduler
    with _lock:
        scheduler, _scheduler = _scheduler, None
    if scheduler is not None:
        scheduler.shutdown(wait=False)
        logger.info("scheduler stopped")


def main() -> None:
    """`python -m workers.scheduler`: the production scheduler process; stops on SIGTERM/SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    start_scheduler()
    stop.wait()
    stop_scheduler()


if __name__ == "__main__":
    main()
