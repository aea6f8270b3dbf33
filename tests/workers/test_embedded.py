"""The app's lifespan entry points: embedded jobs only when no Redis broker is configured."""

from __future__ import annotations

import workers
from workers import broker as broker_module
from workers import notifications as notification_jobs
from workers import scheduler as scheduler_module
from workers.broker import install_broker, is_embedded


def test_actor_modules_are_discovered():
    assert "workers.notifications" in workers.actor_module_names()
    assert not {"workers.broker", "workers.base", "workers.scheduler"} & set(workers.actor_module_names())


def test_embedded_jobs_start_worker_and_scheduler_on_a_stub_broker(installed_stub_broker, inline_worker_allowed):
    installed_stub_broker.declare_actor(notification_jobs.requeue_stuck_emails)
    assert is_embedded()
    try:
        assert workers.start_embedded_jobs() is True
        assert broker_module._inline_worker is not None
        assert scheduler_module._scheduler.get_job("notifications.requeue_stuck_emails") is not None
    finally:
        workers.stop_embedded_jobs()
    assert broker_module._inline_worker is None and scheduler_module._scheduler is None


def test_no_embedded_jobs_with_a_redis_broker(redis_broker):
    previous = install_broker(redis_broker)
    try:
        assert not is_embedded()
        assert workers.start_embedded_jobs() is False
    finally:
        install_broker(previous)
