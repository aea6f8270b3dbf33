"""The dramatiq broker for both runtime shapes.

- `AAE_REDIS_URL` set (production, tests): a `RedisBroker`; `dramatiq workers:setup` processes
  consume it and `python -m workers.scheduler` feeds it the periodic jobs (docs/jobs.md).
- No Redis (the embedded `make run`): a `StubBroker` consumed by a dramatiq `Worker` running on
  threads inside the app process, started and stopped by the app's lifespan through
  `start_inline_worker()` / `stop_inline_worker()`.

Both get the same middleware: dramatiq's `Retries` (3 retries, exponential backoff) and
`RecordFinalFailure` (a `job_failures` row and a notification once a message fails for good).

A worker killed outright (SIGKILL, OOM, a lost host) leaves its unacknowledged messages in Redis;
another worker's broker puts them back on their queue once the dead one's heartbeat is older than
`AAE_JOBS_HEARTBEAT_TIMEOUT_MS` (dramatiq checks on `AAE_JOBS_MAINTENANCE_CHANCE` commands per
million). Actors are idempotent, so the redelivered job runs again safely.
"""

from __future__ import annotations

import logging
import threading

import dramatiq
from dramatiq import Broker, Worker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from backend.config import Settings, get_settings
from workers.base import DEFAULT_QUEUE, RecordFinalFailure

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
MIN_BACKOFF_MS = 1_000  # first retry after ~1 s (jittered), then ~2 s, ~4 s
MAX_BACKOFF_MS = 10 * 60 * 1_000
REDIS_NAMESPACE = "aae"
HEARTBEAT_TIMEOUT_MS = 60_000  # dramatiq's default: a worker silent for a minute is dead
MAINTENANCE_CHANCE = 1_000  # dramatiq's default: 1 broker command in 1000 looks for dead workers
INLINE_WORKER_THREADS = 2
INLINE_WORKER_TIMEOUT_MS = 500  # how long an idle consumer waits before it checks for shutdown

_lock = threading.RLock()
_broker: Broker | None = None
_inline_worker: Worker | None = None


def build_middleware(
    *, max_retries: int = MAX_RETRIES, min_backoff_ms: int = MIN_BACKOFF_MS, max_backoff_ms: int = MAX_BACKOFF_MS
) -> list[Middleware]:
    # "after" hooks run in reverse list order: Retries decides first, then RecordFinalFailure.
    return [
        AgeLimit(),
        TimeLimit(),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        CurrentMessage(),
        RecordFinalFailure(),
        Retries(max_retries=max_retries, min_backoff=min_backoff_ms, max_backoff=max_backoff_ms),
    ]


def build_broker(
    *,
    redis_url: str | None,
    namespace: str = REDIS_NAMESPACE,
    max_retries: int = MAX_RETRIES,
    min_backoff_ms: int = MIN_BACKOFF_MS,
    max_backoff_ms: int = MAX_BACKOFF_MS,
    heartbeat_timeout_ms: int = HEARTBEAT_TIMEOUT_MS,
    maintenance_chance: int = MAINTENANCE_CHANCE,
) -> Broker:
    """A new broker (not installed globally): Redis when `redis_url` is given, else a StubBroker."""
    middleware = build_middleware(max_retries=max_retries, min_backoff_ms=min_backoff_ms, max_backoff_ms=max_backoff_ms)
    broker: Broker
    if redis_url:
        broker = RedisBroker(url=redis_url, namespace=namespace, middleware=middleware,
                             heartbeat_timeout=heartbeat_timeout_ms, maintenance_chance=maintenance_chance)
    else:
        broker = StubBroker(middleware=middleware)
    broker.declare_queue(DEFAULT_QUEUE)
    return broker


def setup_broker(settings: Settings | None = None) -> Broker:
    """Build the process's broker from the settings once and install it as dramatiq's global one."""
    global _broker
    with _lock:
        if _broker is None:
            settings = settings or get_settings()
            broker = build_broker(
                redis_url=settings.redis_url, namespace=settings.jobs_redis_namespace,
                heartbeat_timeout_ms=settings.jobs_heartbeat_timeout_ms,
                maintenance_chance=settings.jobs_maintenance_chance,
            )
            logger.info("dramatiq broker: %s", type(broker).__name__)
            install_broker(broker)
        return _broker  # type: ignore[return-value]


def get_broker() -> Broker:
    """The process's broker, set up from the settings on first use."""
    return _broker or setup_broker()


def install_broker(broker: Broker | None) -> Broker | None:
    """Make `broker` the process's broker (tests swap in their own); returns the previous one."""
    global _broker
    with _lock:
        previous, _broker = _broker, broker
        if broker is not None:
            dramatiq.set_broker(broker)
        return previous


def is_embedded(broker: Broker | None = None) -> bool:
    """True when jobs run on a StubBroker inside the app (no Redis configured)."""
    return isinstance(broker or get_broker(), StubBroker)


def start_inline_worker(broker: Broker | None = None, *, threads: int = INLINE_WORKER_THREADS) -> Worker | None:
    """Start the in-process worker of the embedded shape; None when a Redis broker is configured
    (separate `dramatiq` processes consume it) or `AAE_JOBS_INLINE_WORKER=false`.
    """
    global _inline_worker
    broker = broker or get_broker()
    if not isinstance(broker, StubBroker):
        logger.info("jobs: Redis broker configured; run `dramatiq workers:setup` to consume it")
        return None
    if not get_settings().jobs_inline_worker:
        logger.warning("jobs: AAE_JOBS_INLINE_WORKER is off and no Redis is configured; jobs will not run")
        return None
    with _lock:
        if _inline_worker is not None:
            return _inline_worker
        from workers import load_actor_modules

        load_actor_modules()
        broker.emit_after("process_boot")
        worker = Worker(broker, worker_threads=threads, worker_timeout=INLINE_WORKER_TIMEOUT_MS)
        worker.start()
        _inline_worker = worker
        logger.info("jobs: in-process worker started (%d threads)", threads)
        return worker


def stop_inline_worker(timeout_ms: int = 10_000) -> None:
    """Stop the in-process worker (the lifespan's shutdown); a no-op when none runs."""
    global _inline_worker
    with _lock:
        worker, _inline_worker = _inline_worker, None
    if worker is None:
        return
    worker.stop(timeout=timeout_ms)
    logger.info("jobs: in-process worker stopped")
