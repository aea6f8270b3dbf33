"""Background jobs on dramatiq: one module of actors per domain, plus the broker and the scheduler.

Importing this package does nothing heavy, so backend services may import `workers.broker`
(for `backend.jobs.enqueue`) without pulling in every actor. Processes that run jobs call
`setup()`:

    dramatiq workers:setup --processes 2 --threads 8      # production workers
    python -m workers.scheduler                           # the one scheduler process

The embedded shape (`make run`) calls `start_embedded_jobs()` / `stop_embedded_jobs()` from the
app's lifespan: an in-process worker and the scheduler, both only when no Redis is configured.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil

from dramatiq import Broker

logger = logging.getLogger(__name__)

# Modules of this package that declare no actors.
INFRASTRUCTURE_MODULES = frozenset({"base", "broker", "scheduler"})


def actor_module_names() -> list[str]:
    """Every `workers.<domain>` module, i.e. every module that declares actors."""
    return sorted(
        f"{__name__}.{info.name}"
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name not in INFRASTRUCTURE_MODULES
    )


def load_actor_modules() -> list[str]:
    """Import every actor module so its actors are declared on the broker; returns their names."""
    from workers.broker import setup_broker

    setup_broker()
    names = actor_module_names()
    for name in names:
        importlib.import_module(name)
    return names


def setup() -> Broker:
    """Entry point of `dramatiq workers:setup` and the scheduler: the broker with every actor."""
    from workers.broker import setup_broker

    broker = setup_broker()
    loaded = load_actor_modules()
    logger.info("jobs: actor modules loaded: %s", ", ".join(loaded) or "none")
    return broker


def start_embedded_jobs() -> bool:
    """The embedded shape's jobs: in-process worker + scheduler. False (and nothing started) when
    a Redis broker is configured, because then separate processes do this work.
    """
    from workers.broker import start_inline_worker
    from workers.scheduler import start_scheduler

    if start_inline_worker() is None:
        return False
    start_scheduler()
    return True


def stop_embedded_jobs() -> None:
    from workers.broker import stop_inline_worker
    from workers.scheduler import stop_scheduler

    stop_scheduler()
    stop_inline_worker()
