"""Exports whose job was lost (Redis wiped; the embedded StubBroker stopped with the app): the
`privacy.requeue_stuck_exports` sweeper enqueues them again once their run's lease has passed,
and gives up on them (failed, owner told) a day after the request, so that a stuck export no
longer blocks new export requests. Jobs run on a real dramatiq Worker over a StubBroker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from dramatiq import Broker, Message
from sqlalchemy import update
from sqlmodel import Session, select

from backend.db import unit_of_work
from backend.integrations.storage import BucketKind, get_storage
from backend.jobs.enqueue import send_now
from backend.models import DataExport, ExportStatus, Notification
from backend.models.base import utcnow
from backend.privacy import service as privacy
from tests.factories import make_user
from tests.workers.helpers import running_worker, wait_for
from workers import notifications as notification_jobs
from workers import privacy as privacy_jobs
from workers.broker import build_broker, install_broker
from workers.scheduler import PERIODIC_JOBS

EXPORT_READY = "Your data export is ready"
GIVEN_UP = "Your data export could not be prepared"


@pytest.fixture()
def broker() -> Iterator[Broker]:
    """A StubBroker (the embedded shape's) as the process's broker, with the export's actors."""
    broker = build_broker(redis_url=None, min_backoff_ms=10, max_backoff_ms=100)
    for job in (privacy_jobs.export_user_data, privacy_jobs.requeue_stuck_exports, notification_jobs.deliver_email):
        broker.declare_actor(job)
    previous = install_broker(broker)
    yield broker
    install_broker(previous)
    broker.close()


def _queued(broker: Broker, actor_name: str) -> list[Message]:
    raw = list(broker.queues["default"].queue)
    messages = [Message.decode(item) if isinstance(item, bytes) else item for item in raw]
    return [m for m in messages if m.actor_name == actor_name]


def _lost_export(broker: Broker) -> tuple[int, int]:
    """An export requested (its job enqueued after commit), whose message is then lost."""
    with unit_of_work() as session:
        user_id = make_user(session).id
        export_id = privacy.request_export(session, user_id=user_id).id
    assert [m.args for m in _queued(broker, privacy.EXPORT_ACTOR)] == [(export_id,)]
    broker.flush_all()  # Redis wiped / the app stopped with the message in memory
    return user_id, export_id


def _started(export_id: int, progress: int) -> DataExport:
    """A run that starts, commits some progress, and dies with its message."""
    with unit_of_work() as session:
        export = privacy.start_export(session, export_id=export_id)
    with unit_of_work() as session:
        privacy.set_export_progress(session, export_id=export_id, progress=progress)
    return export


def _age(export_id: int, *, requested: timedelta, last_step: timedelta | None) -> None:
    """Move the clock on: the export was requested `requested` ago and its run's last step (its
    lease renewal) was `last_step` ago (None: no run ever started, no lease)."""
    now = utcnow()
    lease = None if last_step is None else now - last_step + privacy.EXPORT_LEASE
    with unit_of_work() as session:
        session.execute(update(DataExport).where(DataExport.id == export_id)
                        .values(created_at=now - requested, lease_expires_at=lease))


def _row(engine, export_id: int) -> DataExport:
    with Session(engine) as session:
        return session.get(DataExport, export_id)


def _titles(engine, user_id: int) -> list[str]:
    with Session(engine) as session:
        return [n.title for n in session.exec(select(Notification).where(Notification.user_id == user_id)).all()]


class TestRequeue:
    def test_a_stale_running_export_is_enqueued_again_and_completes(self, committed_engine, broker):
        user_id, export_id = _lost_export(broker)
        first_run = _started(export_id, progress=30)
        _age(export_id, requested=timedelta(minutes=40), last_step=timedelta(minutes=16))
        with running_worker(broker):
            send_now(privacy_jobs.requeue_stuck_exports)  # what the scheduler does every 5 minutes
            wait_for(lambda: _row(committed_engine, export_id).status == ExportStatus.READY)
        done = _row(committed_engine, export_id)
        assert (done.progress, done.storage_key) == (100, first_run.storage_key)  # the same archive key
        assert privacy.download_url(done)
        assert done.lease_expires_at is None  # no run holds it; `expires_at` is the link's expiry
        assert done.expires_at == done.completed_at + timedelta(seconds=privacy.EXPORT_LINK_SECONDS)
        assert _titles(committed_engine, user_id).count(EXPORT_READY) == 1

    def test_a_pending_export_whose_message_was_lost_is_enqueued_again_once(self, committed_engine, broker):
        _, export_id = _lost_export(broker)
        _age(export_id, requested=timedelta(minutes=16), last_step=None)
        privacy_jobs.requeue_stuck_exports.fn()
        assert [m.args for m in _queued(broker, privacy.EXPORT_ACTOR)] == [(export_id,)]
        renewed = _row(committed_engine, export_id)
        assert renewed.lease_expires_at > utcnow() + timedelta(minutes=14)  # a new lease
        assert renewed.expires_at is None  # no download link yet
        privacy_jobs.requeue_stuck_exports.fn()  # the next sweep: the lease holds, nothing more is sent
        assert len(_queued(broker, privacy.EXPORT_ACTOR)) == 1
        with running_worker(broker):
            wait_for(lambda: _row(committed_engine, export_id).status == ExportStatus.READY)

    def test_a_fresh_running_export_is_left_alone(self, committed_engine, broker):
        _, export_id = _lost_export(broker)
        _started(export_id, progress=40)
        _age(export_id, requested=timedelta(minutes=40), last_step=timedelta(minutes=14))
        _, pending_id = _lost_export(broker)
        _age(pending_id, requested=timedelta(minutes=14), last_step=None)
        before = _row(committed_engine, export_id)
        privacy_jobs.requeue_stuck_exports.fn()
        assert _queued(broker, privacy.EXPORT_ACTOR) == []
        after = _row(committed_engine, export_id)
        assert (after.status, after.progress, after.lease_expires_at) == (ExportStatus.RUNNING, 40, before.lease_expires_at)
        assert _row(committed_engine, pending_id).status == ExportStatus.PENDING

    def test_each_step_of_a_run_renews_its_lease(self, committed_engine, broker):
        _, export_id = _lost_export(broker)
        _started(export_id, progress=10)
        _age(export_id, requested=timedelta(minutes=30), last_step=timedelta(minutes=16))
        with unit_of_work() as session:
            privacy.set_export_progress(session, export_id=export_id, progress=20)
        renewed = _row(committed_engine, export_id)
        assert renewed.lease_expires_at > utcnow() + timedelta(minutes=14)
        assert renewed.expires_at is None
        privacy_jobs.requeue_stuck_exports.fn()
        assert _queued(broker, privacy.EXPORT_ACTOR) == []


class TestGiveUp:
    @pytest.mark.parametrize("last_step", [timedelta(minutes=30), timedelta(minutes=1)])
    def test_an_export_unfinished_a_day_after_the_request_fails_and_its_owner_is_told(
        self, committed_engine, broker, last_step
    ):
        user_id, export_id = _lost_export(broker)
        _started(export_id, progress=50)
        _age(export_id, requested=timedelta(hours=25), last_step=last_step)
        privacy_jobs.requeue_stuck_exports.fn()
        failed = _row(committed_engine, export_id)
        assert failed.status == ExportStatus.FAILED and failed.error.startswith("Given up")
        assert failed.expires_at is None and failed.lease_expires_at is None and privacy.download_url(failed) is None
        assert _queued(broker, privacy.EXPORT_ACTOR) == []
        assert _titles(committed_engine, user_id) == [GIVEN_UP]
        privacy_jobs.requeue_stuck_exports.fn()  # told once
        assert _titles(committed_engine, user_id) == [GIVEN_UP]
        # The user can ask again, and the new export is made.
        with unit_of_work() as session:
            again = privacy.request_export(session, user_id=user_id).id
        assert again != export_id
        with running_worker(broker):
            wait_for(lambda: _row(committed_engine, again).status == ExportStatus.READY)
        assert _row(committed_engine, export_id).status == ExportStatus.FAILED

    def test_a_run_still_going_when_its_export_is_given_up_does_not_make_it_ready(
        self, committed_engine, broker, monkeypatch
    ):
        user_id, export_id = _lost_export(broker)
        commit = privacy_jobs.commit_export_progress

        def give_up_midway(exported_id: int, progress: int) -> None:
            commit(exported_id, progress)
            if progress == 50:  # the sweeper gives up on it while this run goes on
                _age(exported_id, requested=timedelta(hours=25), last_step=timedelta(0))
                privacy_jobs.requeue_stuck_exports.fn()

        monkeypatch.setattr(privacy_jobs, "commit_export_progress", give_up_midway)
        privacy_jobs.export_user_data.fn(export_id)
        failed = _row(committed_engine, export_id)
        assert failed.status == ExportStatus.FAILED
        assert _titles(committed_engine, user_id) == [GIVEN_UP]
        # The archive this run stored is deleted: no row would ever serve or expire it.
        assert failed.storage_key and not get_storage().exists(BucketKind.EXPORTS, failed.storage_key)

    def test_a_run_finishing_after_the_account_was_deleted_leaves_no_archive(
        self, committed_engine, broker, monkeypatch
    ):
        user_id, export_id = _lost_export(broker)
        commit = privacy_jobs.commit_export_progress
        stored: list[str] = []

        def delete_account_midway(exported_id: int, progress: int) -> None:
            commit(exported_id, progress)
            if progress == 50:
                with unit_of_work() as session:
                    stored.append(session.get(DataExport, exported_id).storage_key)
                    privacy.delete_account_data(session, user_id=user_id)

        monkeypatch.setattr(privacy_jobs, "commit_export_progress", delete_account_midway)
        privacy_jobs.export_user_data.fn(export_id)
        with Session(committed_engine) as session:
            assert session.get(DataExport, export_id) is None
        assert stored and stored[0] and not get_storage().exists(BucketKind.EXPORTS, stored[0])

    def test_a_second_run_finishing_after_the_first_keeps_the_ready_archive(self, committed_engine, broker):
        user_id, export_id = _lost_export(broker)
        privacy_jobs.export_user_data.fn(export_id)
        ready = _row(committed_engine, export_id)
        assert ready.status == ExportStatus.READY
        with unit_of_work() as session:  # a redelivered run that had started before the first finished
            export = session.get(DataExport, export_id)
            assert privacy.complete_export(session, export=export) is None
        assert _row(committed_engine, export_id).status == ExportStatus.READY
        assert get_storage().exists(BucketKind.EXPORTS, ready.storage_key)


def test_the_sweeper_is_scheduled_every_five_minutes():
    table = {job.actor_name: (job.trigger, job.trigger_args) for job in PERIODIC_JOBS}
    assert table["privacy.requeue_stuck_exports"] == ("interval", {"minutes": 5})
