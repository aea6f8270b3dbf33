"""Fault tests with real components: S3 down (moto_server, then an endpoint nothing listens on)
during the data export, account deletion and landing-page deletion; SMTP down (aiosmtpd, then a
closed port) while an urgent notification is sent. Jobs run on a real dramatiq Worker; every
wait is a bounded poll. (A worker killed mid-job: test_worker_killed.py.)"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from dramatiq import Broker, Message
from sqlmodel import Session, select

from backend import config as config_module
from backend.creatives import service as creatives
from backend.db import unit_of_work
from backend.errors import StorageError
from backend.integrations.storage import BucketKind, get_storage
from backend.jobs.enqueue import send_now
from backend.landing_pages import service as pages
from backend.landing_pages.service import PageData
from backend.models import (
    Creative,
    DataExport,
    EmailOutbox,
    EmailStatus,
    ExportStatus,
    JobFailure,
    LandingPage,
    Notification,
    User,
)
from backend.models.base import utcnow
from backend.notifications import service as notifications
from backend.privacy import service as privacy
from tests.creatives.test_service import png
from tests.factories import make_user
from tests.notifications.test_delivery import Inbox
from tests.support.aws import aws_client
from tests.support.servers import free_port
from tests.workers.helpers import running_worker, wait_for
from workers import notifications as notification_jobs
from workers import privacy as privacy_jobs
from workers.base import TransientJobError
from workers.broker import MAX_RETRIES, build_broker, install_broker

EXPORT_READY = "Your data export is ready"


def _use(monkeypatch, **settings: str) -> None:
    for name, value in settings.items():
        monkeypatch.setenv(f"AAE_{name.upper()}", value)
    config_module.reset_settings_cache()


@pytest.fixture()
def s3(monkeypatch, moto_endpoint, s3_buckets) -> Iterator[Callable[[bool], None]]:
    """`s3(up)`: the app's storage is S3 on moto_server (up) or on a port nothing listens on (down)."""
    down = f"http://127.0.0.1:{free_port()}"
    _use(monkeypatch, storage_backend="s3", s3_access_key_id="testing", s3_secret_access_key="testing",
         s3_creatives_bucket=s3_buckets[BucketKind.CREATIVES],
         s3_landing_pages_bucket=s3_buckets[BucketKind.LANDING_PAGES],
         s3_exports_bucket=s3_buckets[BucketKind.EXPORTS])

    def switch(up: bool) -> None:
        _use(monkeypatch, s3_endpoint_url=moto_endpoint if up else down)

    switch(True)
    yield switch
    monkeypatch.undo()
    config_module.reset_settings_cache()


def _in_moto(moto_endpoint, s3_buckets, kind: BucketKind, key: str) -> bool:
    listed = aws_client("s3", moto_endpoint).list_objects_v2(Bucket=s3_buckets[kind], Prefix=key)
    return any(obj["Key"] == key for obj in listed.get("Contents", []))


@pytest.fixture()
def job_broker() -> Iterator[Broker]:
    """A StubBroker with the production backoff (retries ~1-2 s, ~2-4 s, ~4-8 s after a failure)
    as the process's broker, with the actors these tests run."""
    yield from _installed(build_broker(redis_url=None))


@pytest.fixture()
def fast_retry_broker() -> Iterator[Broker]:
    """The same with a 10 ms backoff, for tests that exhaust the retries."""
    yield from _installed(build_broker(redis_url=None, min_backoff_ms=10, max_backoff_ms=100))


def _installed(broker: Broker) -> Iterator[Broker]:
    for job in (privacy_jobs.export_user_data, privacy_jobs.delete_account, privacy_jobs.delete_objects,
                notification_jobs.deliver_email, notification_jobs.requeue_stuck_emails):
        broker.declare_actor(job)
    previous = install_broker(broker)
    yield broker
    install_broker(previous)
    broker.close()


def _row(engine, model, row_id: int):
    with Session(engine) as session:
        return session.get(model, row_id)


def _notifications_of(engine, user_id: int) -> list[Notification]:
    with Session(engine) as session:
        return list(session.exec(select(Notification).where(Notification.user_id == user_id)).all())


def _failure_of(engine, actor_name: str, *args) -> JobFailure | None:
    """The job_failures row of `actor_name(*args)`, once that job has failed for good."""
    with Session(engine) as session:
        failures = session.exec(select(JobFailure).where(JobFailure.actor_name == actor_name)).all()
        return next((f for f in failures if f.args == list(args)), None)


class TestS3DownDuringExport:
    def test_a_failed_attempt_leaves_no_ready_export_and_the_retry_completes(
        self, committed_engine, s3, moto_endpoint, s3_buckets, job_broker
    ):
        with unit_of_work() as session:
            user = make_user(session)
            creatives.create_from_bytes(session, user_id=user.id, data=png(), name="Hero")  # stored on moto
            export_id = privacy.request_export(session, user_id=user.id).id
        s3(False)
        with pytest.raises(TransientJobError):  # dramatiq retries it
            privacy_jobs.export_user_data.fn(export_id)
        failed = _row(committed_engine, DataExport, export_id)
        assert failed.status == ExportStatus.RUNNING and failed.progress < 100 and failed.completed_at is None
        assert privacy.download_url(failed) is None
        assert not _in_moto(moto_endpoint, s3_buckets, BucketKind.EXPORTS, failed.storage_key)
        assert all(n.title != EXPORT_READY for n in _notifications_of(committed_engine, user.id))

        s3(True)
        privacy_jobs.export_user_data.fn(export_id)  # the retry
        ready = _row(committed_engine, DataExport, export_id)
        assert (ready.status, ready.progress, ready.storage_key) == (ExportStatus.READY, 100, failed.storage_key)
        names = zipfile.ZipFile(io.BytesIO(get_storage().get_bytes(BucketKind.EXPORTS, ready.storage_key))).namelist()
        assert any(name.startswith("creatives/") for name in names)
        assert [n.title for n in _notifications_of(committed_engine, user.id)].count(EXPORT_READY) == 1

    def test_down_for_good_the_export_fails_and_the_user_is_told(
        self, committed_engine, s3, moto_endpoint, s3_buckets, fast_retry_broker
    ):
        s3(False)
        with unit_of_work() as session:
            user_id = make_user(session).id
            export_id = privacy.request_export(session, user_id=user_id).id  # enqueued after commit
        with running_worker(fast_retry_broker):
            failure = wait_for(lambda: _failure_of(committed_engine, "privacy.export_user_data", export_id))
            assert failure.retries == MAX_RETRIES and failure.user_id == user_id
            assert "Storage operation failed" in failure.error
            export = _row(committed_engine, DataExport, export_id)
            assert export.status == ExportStatus.FAILED and export.completed_at is None
            assert "Storage operation failed" in export.error
            assert not _in_moto(moto_endpoint, s3_buckets, BucketKind.EXPORTS, export.storage_key)
            notes = _notifications_of(committed_engine, user_id)
            assert [n.message for n in notes if n.category == "jobs"] == ["Your data export could not be prepared."]
            assert all(n.title != EXPORT_READY for n in notes)
            # S3 back: the user asks again and gets a new, working export.
            s3(True)
            with unit_of_work() as session:
                again = privacy.request_export(session, user_id=user_id).id
            assert again != export_id
            wait_for(lambda: _row(committed_engine, DataExport, again).status == ExportStatus.READY)


class TestS3DownDuringDeletion:
    def test_account_rows_are_deleted_and_the_files_removed_by_the_retry(
        self, committed_engine, s3, moto_endpoint, s3_buckets, job_broker
    ):
        with unit_of_work() as session:
            user = make_user(session)
            creatives.create_from_bytes(session, user_id=user.id, data=png(), name="Hero")
            page = pages.create(session, user_id=user.id, data=PageData(name="LP", product_url="https://x.test"))
            pages.publish(session, user_id=user.id, page_id=page.id)
            user.status = "deleting"
            session.add(user)
            objects = privacy.stored_objects_of(session, user_id=user.id)
        assert len(objects) == 2 and all(_in_moto(moto_endpoint, s3_buckets, k, key) for k, key in objects)

        s3(False)
        privacy_jobs.delete_account.fn(user.id)
        assert _row(committed_engine, User, user.id) is None  # the data is gone regardless of S3
        with Session(committed_engine) as session:
            assert not session.exec(select(Creative).where(Creative.user_id == user.id)).all()
            assert not session.exec(select(LandingPage).where(LandingPage.user_id == user.id)).all()
        [retry] = [Message.decode(raw) if isinstance(raw, bytes) else raw
                   for raw in list(job_broker.queues["default"].queue)]
        assert retry.actor_name == "privacy.delete_objects"
        assert sorted(map(tuple, retry.args[0])) == sorted((str(k), key) for k, key in objects)
        with pytest.raises(TransientJobError):  # still down: dramatiq retries with backoff
            privacy_jobs.delete_objects.fn(retry.args[0])
        assert all(_in_moto(moto_endpoint, s3_buckets, k, key) for k, key in objects)

        s3(True)
        privacy_jobs.delete_objects.fn(retry.args[0])
        assert not any(_in_moto(moto_endpoint, s3_buckets, k, key) for k, key in objects)


class TestS3DownDuringPageDeletion:
    def test_the_page_and_its_file_stay_and_the_error_is_5003(self, committed_engine, s3, moto_endpoint, s3_buckets):
        with unit_of_work() as session:
            user = make_user(session)
            page = pages.create(session, user_id=user.id, data=PageData(name="LP", product_url="https://x.test"))
            published = pages.publish(session, user_id=user.id, page_id=page.id)
            key, url = published.s3_key, published.url
        s3(False)
        with pytest.raises(StorageError) as info, unit_of_work() as session:
            pages.delete(session, user_id=user.id, page_id=page.id)
        assert info.value.code == "5003"
        kept = _row(committed_engine, LandingPage, page.id)
        assert (kept.status, kept.s3_key, kept.url) == ("published", key, url)
        s3(True)
        assert _in_moto(moto_endpoint, s3_buckets, BucketKind.LANDING_PAGES, key)
        with unit_of_work() as session:
            pages.delete(session, user_id=user.id, page_id=page.id)
        assert _row(committed_engine, LandingPage, page.id) is None
        assert not _in_moto(moto_endpoint, s3_buckets, BucketKind.LANDING_PAGES, key)


@pytest.fixture()
def smtp(monkeypatch) -> Iterator[Callable[[], Inbox]]:
    """Email goes over SMTP to a port where nothing listens (down) until `smtp()` starts aiosmtpd
    there (up) and returns its inbox."""
    port = free_port()
    _use(monkeypatch, email_backend="smtp", smtp_host="127.0.0.1", smtp_port=str(port))
    controllers: list[Controller] = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()
    monkeypatch.undo()
    config_module.reset_settings_cache()


def _urgent_notification(engine) -> tuple[User, Notification, int]:
    with unit_of_work(engine) as session:
        user = make_user(session)
        note = notifications.create_notification(
            session, user_id=user.id, type="urgent", category="ad_accounts",
            title="Reconnect your Meta account", message="Its token expired.")
    return user, note, note.meta["email_outbox_id"]


def _delivered_to(inbox: Inbox, address: str) -> list[bytes]:
    return [body for to, body in inbox.messages if to == [address]]


class TestSmtpDownDuringUrgentNotification:
    def test_the_notification_is_stored_and_the_retry_delivers_once_smtp_is_back(
        self, committed_engine, smtp, job_broker
    ):
        with running_worker(job_broker):
            user, note, outbox_id = _urgent_notification(committed_engine)
            wait_for(lambda: _row(committed_engine, EmailOutbox, outbox_id).status == EmailStatus.FAILED)
            failed = _row(committed_engine, EmailOutbox, outbox_id)
            assert failed.error.startswith("transient:") and failed.sent_at is None
            stored = _row(committed_engine, Notification, note.id)
            assert stored.type == "urgent" and set(stored.sent_via) == {"in_app", "email"} and not stored.is_read
            # SMTP comes back while dramatiq's retries (~1-2 s, ~2-4 s, ~4-8 s later) are pending.
            inbox = smtp()
            wait_for(lambda: _row(committed_engine, EmailOutbox, outbox_id).status == EmailStatus.SENT)
        [body] = _delivered_to(inbox, user.email)
        assert b"Reconnect your Meta account" in body

    def test_an_outage_longer_than_the_retries_is_delivered_by_the_sweeper(
        self, committed_engine, smtp, fast_retry_broker
    ):
        """Bug fixed: the sweeper only looked at `queued` emails, so an SMTP outage longer than the
        job's retries (a few seconds) lost the email for good."""
        with running_worker(fast_retry_broker):
            user, _, outbox_id = _urgent_notification(committed_engine)
            failure = wait_for(lambda: _failure_of(committed_engine, "notifications.deliver_email", outbox_id))
            assert failure.retries == MAX_RETRIES
            assert _row(committed_engine, EmailOutbox, outbox_id).error.startswith("transient:")

            inbox = smtp()
            with unit_of_work(committed_engine) as session:  # the next sweep, ten minutes on
                session.get(EmailOutbox, outbox_id).created_at = utcnow() - timedelta(minutes=11)
            send_now(notification_jobs.requeue_stuck_emails)
            wait_for(lambda: _row(committed_engine, EmailOutbox, outbox_id).status == EmailStatus.SENT)
        assert len(_delivered_to(inbox, user.email)) == 1
        with unit_of_work(committed_engine) as session:  # a sent email is not picked up again
            assert outbox_id not in notifications.stuck_email_ids(session, older_than=timedelta(minutes=10))
