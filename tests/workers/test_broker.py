"""Retries and final-failure handling on a real worker, against Redis and the StubBroker."""

from __future__ import annotations

import threading
import uuid

import pytest
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Retries
from sqlmodel import Session, select

from backend.config import Settings
from backend.db import unit_of_work
from backend.models import JobFailure, Notification
from tests.factories import make_user
from tests.workers.helpers import running_worker, wait_for
from workers.base import PermanentJobError, RecordFinalFailure, actor, user_id_of
from workers.broker import MAX_RETRIES, build_broker, start_inline_worker, stop_inline_worker


class Attempts:
    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def add(self) -> int:
        with self._lock:
            self.count += 1
            return self.count


def _committed_user_id(engine) -> int:
    with unit_of_work(engine) as session:
        return make_user(session).id


def _failure_of(engine, actor_name: str) -> JobFailure | None:
    with Session(engine) as session:
        return session.exec(select(JobFailure).where(JobFailure.actor_name == actor_name)).first()


def _notifications_of(engine, user_id: int) -> list[Notification]:
    with Session(engine) as session:
        return list(session.exec(select(Notification).where(Notification.user_id == user_id)).all())


def _name(verb: str) -> str:
    return f"tests.{verb}_{uuid.uuid4().hex[:8]}"


def test_property_32_transient_failure_retried_three_times_then_recorded_and_user_told(committed_engine, any_broker):
    """Property 32: an actor that always raises a transient error is attempted exactly 1 + 3
    times; then a job_failures row records it and the user whose job it was is notified."""
    user_id = _committed_user_id(committed_engine)
    attempts = Attempts()
    name = _name("always_fails")

    @actor(actor_name=name, broker=any_broker, failure_notice="Your test report could not be built.")
    def always_fails(user_id: int, label: str) -> None:
        attempts.add()
        raise ConnectionError("service unavailable")

    with running_worker(any_broker):
        message = always_fails.send(user_id, "weekly")
        failure = wait_for(lambda: _failure_of(committed_engine, name))

    assert attempts.count == 1 + MAX_RETRIES == 4
    assert failure.message_id == message.message_id
    assert failure.user_id == user_id
    assert failure.args == [user_id, "weekly"]
    assert failure.retries == MAX_RETRIES
    assert "ConnectionError: service unavailable" in failure.error
    [notice] = [n for n in _notifications_of(committed_engine, user_id) if n.category == "jobs"]
    assert notice.message == "Your test report could not be built."
    assert "in_app" in notice.sent_via
    assert notice.meta["job_failure_id"] == failure.id
    assert notice.meta["message_id"] == message.message_id


def test_permanent_error_fails_at_once_and_is_recorded(committed_engine, any_broker):
    user_id = _committed_user_id(committed_engine)
    attempts = Attempts()
    name = _name("permanent")

    @actor(actor_name=name, broker=any_broker)
    def refuses(*, user_id: int) -> None:
        attempts.add()
        raise PermanentJobError("the platform refused this campaign")

    with running_worker(any_broker):
        refuses.send(user_id=user_id)
        failure = wait_for(lambda: _failure_of(committed_engine, name))

    assert attempts.count == 1
    assert failure.retries == 0
    assert failure.user_id == user_id
    assert failure.args == [{"kwargs": {"user_id": user_id}}]
    assert any(n.category == "jobs" for n in _notifications_of(committed_engine, user_id))


def test_transient_failures_then_success_record_nothing(committed_engine, any_broker):
    user_id = _committed_user_id(committed_engine)
    attempts = Attempts()
    done = threading.Event()
    name = _name("flaky")

    @actor(actor_name=name, broker=any_broker)
    def flaky(user_id: int) -> None:
        if attempts.add() <= 2:
            raise TimeoutError("try again")
        done.set()

    with running_worker(any_broker):
        flaky.send(user_id)
        wait_for(done.is_set)

    assert attempts.count == 3
    assert _failure_of(committed_engine, name) is None
    assert all(n.category != "jobs" for n in _notifications_of(committed_engine, user_id))


def test_failure_without_a_user_is_recorded_without_notification(committed_engine, stub_broker):
    name = _name("no_user")

    @actor(actor_name=name, broker=stub_broker, max_retries=0)
    def cleanup(export_id: int) -> None:
        raise RuntimeError("disk full")

    with running_worker(stub_broker):
        cleanup.send(42)
        failure = wait_for(lambda: _failure_of(committed_engine, name))
    assert failure.user_id is None
    assert failure.args == [42]
    assert failure.retries == 0


def test_failure_of_a_deleted_user_keeps_the_row(committed_engine, stub_broker):
    name = _name("gone_user")

    @actor(actor_name=name, broker=stub_broker, max_retries=0)
    def job(user_id: int) -> None:
        raise RuntimeError("boom")

    with running_worker(stub_broker):
        job.send(10**12)
        failure = wait_for(lambda: _failure_of(committed_engine, name))
    assert failure.user_id is None


class TestActorDecorator:
    def test_names_must_be_dotted(self, stub_broker):
        with pytest.raises(ValueError):
            actor(lambda: None, actor_name="undotted", broker=stub_broker)

    def test_permanent_error_is_in_throws(self, stub_broker):
        declared = actor(lambda: None, actor_name=_name("throws"), broker=stub_broker, throws=KeyError)
        assert declared.options["throws"] == (PermanentJobError, KeyError)


class TestUserIdOf:
    def test_first_positional_named_user_id(self):
        def job(user_id, other): ...

        assert user_id_of(job, (7, 8), {}) == 7

    def test_keyword(self):
        assert user_id_of(lambda **kw: None, (), {"user_id": 9}) == 9

    def test_other_first_argument(self):
        def job(outbox_id): ...

        assert user_id_of(job, (7,), {}) is None


class TestBuildBroker:
    def test_redis_when_url_given(self, redis_client):
        from tests.conftest import REDIS_URL

        broker = build_broker(redis_url=REDIS_URL, namespace="aae-test-build")
        try:
            assert isinstance(broker, RedisBroker)
            assert broker.namespace == "aae-test-build"
        finally:
            broker.close()

    def test_stub_without_redis_and_middleware_order(self):
        broker = build_broker(redis_url=None)
        kinds = [type(m) for m in broker.middleware]
        assert isinstance(broker, StubBroker)
        # "after" hooks run in reverse: Retries must decide before the failure is recorded.
        assert kinds.index(RecordFinalFailure) < kinds.index(Retries)
        retries = next(m for m in broker.middleware if isinstance(m, Retries))
        assert retries.max_retries == 3
        assert "default" in broker.get_declared_queues()

    def test_inline_worker_not_started_for_redis(self, redis_broker):
        assert start_inline_worker(redis_broker) is None


class TestInlineWorker:
    def test_stub_broker_inline_worker_processes_a_job(self, installed_stub_broker, inline_worker_allowed):
        processed = threading.Event()
        received: list[int] = []

        @actor(actor_name=_name("inline"), broker=installed_stub_broker)
        def record(value: int) -> None:
            received.append(value)
            processed.set()

        worker = start_inline_worker(installed_stub_broker)
        try:
            assert worker is not None
            assert start_inline_worker(installed_stub_broker) is worker  # idempotent
            record.send(5)
            wait_for(processed.is_set)
        finally:
            stop_inline_worker()
        assert received == [5]

    def test_inline_worker_off_by_setting(self, installed_stub_broker, monkeypatch):
        monkeypatch.setattr("workers.broker.get_settings", lambda: Settings(jobs_inline_worker=False))
        assert start_inline_worker(installed_stub_broker) is None
