"""Jobs are sent only after the transaction commits, and never after a rollback."""

from __future__ import annotations

import pytest
from dramatiq import Message

from backend.db import unit_of_work
from backend.jobs.enqueue import enqueue_after_commit, send_now
from workers.base import actor


def _sent(broker, queue: str = "default") -> list[Message]:
    q = broker.queues[queue]
    return [Message.decode(q.get_nowait()) for _ in range(q.qsize())]


class TestEnqueueAfterCommit:
    def test_sent_after_commit_only(self, committed_engine, installed_stub_broker):
        with unit_of_work(committed_engine) as session:
            enqueue_after_commit(session, "reports.sync_account", 7, day="2026-01-01")
            session.flush()
            assert installed_stub_broker.queues["default"].qsize() == 0  # not before COMMIT
        [message] = _sent(installed_stub_broker)
        assert (message.actor_name, message.args, message.kwargs) == ("reports.sync_account", (7,), {"day": "2026-01-01"})

    def test_dropped_on_rollback(self, committed_engine, installed_stub_broker):
        with pytest.raises(RuntimeError):
            with unit_of_work(committed_engine) as session:
                enqueue_after_commit(session, "reports.sync_account", 7)
                raise RuntimeError("the request failed")
        assert _sent(installed_stub_broker) == []
        # The dropped callback does not leak into the session's next transaction either.
        with unit_of_work(committed_engine):
            pass
        assert _sent(installed_stub_broker) == []

    def test_declared_actor_uses_its_queue(self, committed_engine, installed_stub_broker):
        declared = actor(lambda outbox_id: None, actor_name="tests.on_mail_queue", queue_name="mail",
                         broker=installed_stub_broker)
        with unit_of_work(committed_engine) as session:
            enqueue_after_commit(session, declared, 3)
            enqueue_after_commit(session, "tests.on_mail_queue", 4)
        assert [m.args for m in _sent(installed_stub_broker, "mail")] == [(3,), (4,)]

    def test_broker_failure_after_commit_is_logged_not_raised(self, committed_engine, installed_stub_broker, caplog):
        with unit_of_work(committed_engine) as session:
            enqueue_after_commit(session, actor(lambda: None, actor_name="tests.nowhere", queue_name="undeclared",
                                                broker=installed_stub_broker))
            installed_stub_broker.queues.pop("undeclared")  # the broker can no longer take the message
        assert "could not enqueue job tests.nowhere" in caplog.text


def test_send_now_goes_to_the_current_broker(installed_stub_broker):
    send_now("privacy.cleanup_expired_exports")
    assert [m.actor_name for m in _sent(installed_stub_broker)] == ["privacy.cleanup_expired_exports"]
