"""The periodic schedule: its table, and its wiring to the broker."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from dramatiq import Message

from tests.workers.helpers import wait_for
from workers.base import actor
from workers.scheduler import PERIODIC_JOBS, PeriodicJob, build_scheduler, start_scheduler, stop_scheduler


def _declare(broker, name: str):
    return actor(lambda: None, actor_name=name, broker=broker)


class TestTable:
    def test_the_issue_s_periodic_jobs(self):
        table = {job.actor_name: (job.trigger, job.trigger_args) for job in PERIODIC_JOBS}
        assert table["ad_accounts.refresh_expiring_tokens"] == ("interval", {"hours": 1})
        assert table["reports.sync_metrics"] == ("interval", {"minutes": 15})
        assert table["reports.archive_old_metrics"][0] == "cron"  # daily
        assert table["privacy.cleanup_expired_exports"] == ("interval", {"hours": 1})
        assert all("." in name for name in table)


class TestWiring:
    def test_declared_actors_are_scheduled_and_missing_ones_skipped(self, stub_broker, caplog):
        caplog.set_level(logging.INFO, logger="workers.scheduler")
        _declare(stub_broker, "reports.sync_metrics")
        _declare(stub_broker, "reports.archive_old_metrics")
        scheduler = build_scheduler(stub_broker)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"reports.sync_metrics", "reports.archive_old_metrics"}
        assert isinstance(jobs["reports.sync_metrics"].trigger, IntervalTrigger)
        assert jobs["reports.sync_metrics"].trigger.interval == timedelta(minutes=15)
        assert isinstance(jobs["reports.archive_old_metrics"].trigger, CronTrigger)
        assert "ad_accounts.refresh_expiring_tokens is not declared yet" in caplog.text

    def test_a_due_job_enqueues_its_actor(self, stub_broker):
        _declare(stub_broker, "reports.sync_metrics")
        scheduler = start_scheduler(stub_broker, [PeriodicJob("reports.sync_metrics", "interval", {"hours": 1})])
        try:
            assert start_scheduler(stub_broker) is scheduler  # one scheduler per process
            scheduler.get_job("reports.sync_metrics").modify(next_run_time=datetime.now(UTC))  # due now
            queue = stub_broker.queues["default"]
            wait_for(lambda: queue.qsize() > 0)
            message = Message.decode(queue.get_nowait())
        finally:
            stop_scheduler()
        assert (message.actor_name, message.args) == ("reports.sync_metrics", ())
