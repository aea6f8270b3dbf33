"""Email delivery jobs: `notifications.deliver_email` against a real SMTP server (aiosmtpd),
and the whole embedded path (commit → after-commit enqueue → in-process worker → sent)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from dramatiq import Message
from sqlmodel import Session

from backend.db import unit_of_work
from backend.integrations import email
from backend.integrations.email import SmtpEmailSender
from backend.models import EmailOutbox, EmailStatus
from backend.models.base import utcnow
from backend.notifications import service as notifications
from tests.factories import make_user
from tests.workers.helpers import wait_for
from workers import notifications as jobs
from workers.base import PermanentJobError, TransientJobError
from workers.broker import start_inline_worker, stop_inline_worker


class Inbox:
    """Accepts mail; recipients starting with "reject" get a permanent 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def _use_smtp(monkeypatch, port: int) -> None:
    sender = SmtpEmailSender(host="127.0.0.1", port=port, sender="AAE <no-reply@aae.test>", timeout=10)
    monkeypatch.setattr(email, "get_email_sender", lambda settings=None: sender)


def _queued(engine, *, to: str | None = None) -> int:
    with unit_of_work(engine) as session:
        user = make_user(session)
        return email.queue_email(session, user_id=user.id, to=to or user.email, subject="Hello", body="Body").id


def _row(engine, outbox_id: int) -> EmailOutbox | None:
    with Session(engine) as session:
        return session.get(EmailOutbox, outbox_id)


class TestDeliverEmail:
    def test_sends_once_and_is_idempotent(self, committed_engine, smtp, monkeypatch):
        inbox, port = smtp
        _use_smtp(monkeypatch, port)
        outbox_id = _queued(committed_engine)
        before = len(inbox.messages)
        jobs.deliver_email(outbox_id)
        jobs.deliver_email(outbox_id)  # a redelivered message sends nothing twice
        assert len(inbox.messages) == before + 1
        row = _row(committed_engine, outbox_id)
        assert row.status == EmailStatus.SENT and row.sent_at is not None

    def test_smtp_down_keeps_the_row_and_raises_to_retry(self, committed_engine, monkeypatch):
        _use_smtp(monkeypatch, _free_port())  # nothing listens there
        outbox_id = _queued(committed_engine)
        with pytest.raises(TransientJobError):
            jobs.deliver_email(outbox_id)
        row = _row(committed_engine, outbox_id)
        assert row.status == EmailStatus.FAILED and row.error.startswith("transient:")

    def test_refused_recipient_fails_permanently(self, committed_engine, smtp, monkeypatch):
        _, port = smtp
        _use_smtp(monkeypatch, port)
        outbox_id = _queued(committed_engine, to="reject@example.com")
        with pytest.raises(PermanentJobError):
            jobs.deliver_email(outbox_id)
        assert _row(committed_engine, outbox_id).error.startswith("permanent:")

    def test_missing_row_returns_quietly(self, committed_engine):
        jobs.deliver_email(10**12)


class TestEmbeddedPath:
    def test_urgent_notification_email_is_delivered_by_the_inline_worker(
        self, committed_engine, installed_stub_broker, smtp, monkeypatch, inline_worker_allowed
    ):
        inbox, port = smtp
        _use_smtp(monkeypatch, port)
        installed_stub_broker.declare_actor(jobs.deliver_email)
        start_inline_worker(installed_stub_broker)
        try:
            with unit_of_work(committed_engine) as session:
                user = make_user(session)
                notification = notifications.create_notification(
                    session, user_id=user.id, type="urgent", category="ad_accounts",
                    title="Reconnect your Meta account", message="Its token expired.",
                )
                outbox_id = notification.meta["email_outbox_id"]
            wait_for(lambda: _row(committed_engine, outbox_id).status == EmailStatus.SENT)
        finally:
            stop_inline_worker()
        assert any(to == [user.email] and b"Reconnect your Meta account" in body for to, body in inbox.messages)

    def test_requeue_stuck_emails(self, committed_engine, installed_stub_broker):
        stuck = _queued(committed_engine)
        with unit_of_work(committed_engine) as session:
            row = session.get(EmailOutbox, stuck)
            row.created_at = utcnow() - timedelta(hours=1)
            session.add(row)
        jobs.requeue_stuck_emails()
        queue = installed_stub_broker.queues["default"]
        sent = [Message.decode(queue.get_nowait()) for _ in range(queue.qsize())]
        assert ("notifications.deliver_email", (stuck,)) in [(m.actor_name, tuple(m.args)) for m in sent]
