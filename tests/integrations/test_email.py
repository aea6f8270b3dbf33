"""Email senders against a real aiosmtpd server, and the outbox on MariaDB."""

from __future__ import annotations

import logging
import ssl
from email import message_from_bytes, policy

import pytest
from sqlmodel import select

from backend.config import EmailBackend, Settings
from backend.integrations.email import (
    ConsoleEmailSender,
    EmailSendError,
    SmtpEmailSender,
    deliver,
    get_email_sender,
    queue_email,
    should_retry,
)
from backend.models import EmailOutbox, EmailStatus
from tests.factories import make_user
from tests.integrations.conftest import SMTP_PASSWORD, SMTP_USER, free_port

SENDER = "AAE Web Platform <no-reply@aae.test>"


def smtp_sender(server, **overrides) -> SmtpEmailSender:
    return SmtpEmailSender(host=server.host, port=server.port, sender=SENDER, timeout=10, **overrides)


def parsed(message: dict):
    return message_from_bytes(message["content"], policy=policy.default)


class TestSmtpSender:
    def test_plain_text_email_arrives(self, smtp_server):
        smtp_sender(smtp_server).send("ann@example.com", "Your export is ready", "Download it here.")
        [message] = smtp_server.inbox.messages
        assert message["to"] == ["ann@example.com"] and message["from"] == "no-reply@aae.test"
        email = parsed(message)
        assert email["Subject"] == "Your export is ready" and email["Message-ID"]
        assert email.get_content().strip() == "Download it here."

    def test_html_goes_as_an_alternative_part(self, smtp_server):
        smtp_sender(smtp_server).send("ann@example.com", "余额不足", "Balance low", "<p>Balance <b>low</b></p>")
        email = parsed(smtp_server.inbox.messages[0])
        assert email["Subject"] == "余额不足" and email.get_content_type() == "multipart/alternative"
        assert email.get_body(("plain",)).get_content().strip() == "Balance low"
        assert email.get_body(("html",)).get_content().strip() == "<p>Balance <b>low</b></p>"

    def test_starttls_and_login(self, smtp_tls_server):
        context = ssl.create_default_context(cafile=smtp_tls_server.cafile)
        sender = smtp_sender(smtp_tls_server, use_tls=True, ssl_context=context,
                             username=SMTP_USER, password=SMTP_PASSWORD)
        sender.send("bob@example.com", "Hello", "Over TLS")
        [message] = smtp_tls_server.inbox.messages
        assert message["tls"] is True and message["login"] == SMTP_USER.encode()

    def test_wrong_password_is_permanent(self, smtp_tls_server):
        context = ssl.create_default_context(cafile=smtp_tls_server.cafile)
        sender = smtp_sender(smtp_tls_server, use_tls=True, ssl_context=context, username=SMTP_USER, password="no")
        with pytest.raises(EmailSendError) as caught:
            sender.send("bob@example.com", "Hello", "x")
        assert caught.value.transient is False and not smtp_tls_server.inbox.messages

    def test_untrusted_certificate_is_refused(self, smtp_tls_server):
        with pytest.raises(EmailSendError):
            smtp_sender(smtp_tls_server, use_tls=True).send("bob@example.com", "Hello", "x")
        assert not smtp_tls_server.inbox.messages

    def test_server_requiring_tls_refuses_plain(self, smtp_tls_server):
        with pytest.raises(EmailSendError):
            smtp_sender(smtp_tls_server).send("bob@example.com", "Hello", "x")

    @pytest.mark.parametrize(("to", "transient"), [("reject@example.com", False), ("later@example.com", True)])
    def test_refused_recipients(self, smtp_server, to, transient):
        with pytest.raises(EmailSendError) as caught:
            smtp_sender(smtp_server).send(to, "Hi", "x")
        assert caught.value.transient is transient

    def test_server_down_is_transient(self):
        sender = SmtpEmailSender(host="127.0.0.1", port=free_port(), sender=SENDER, timeout=5)
        with pytest.raises(EmailSendError) as caught:
            sender.send("ann@example.com", "Hi", "x")
        assert caught.value.transient is True


class TestConsoleSender:
    def test_logs_instead_of_sending(self, caplog):
        with caplog.at_level(logging.INFO, logger="backend.integrations.email"):
            ConsoleEmailSender().send("ann@example.com", "Welcome", "Your sign-in link: http://x/y")
        [record] = caplog.records
        assert "ann@example.com" in record.getMessage() and "Your sign-in link" in record.getMessage()


class TestGetEmailSender:
    def test_by_settings(self):
        assert isinstance(get_email_sender(Settings(email_backend=EmailBackend.CONSOLE)), ConsoleEmailSender)
        smtp = get_email_sender(Settings(email_backend=EmailBackend.SMTP, smtp_host="mail.test", smtp_port=2525,
                                         smtp_use_tls=True, smtp_username="u", smtp_password="p"))
        assert isinstance(smtp, SmtpEmailSender)
        assert (smtp.host, smtp.port, smtp.use_tls, smtp.username) == ("mail.test", 2525, True, "u")


class TestOutbox:
    def test_queue_writes_a_queued_row(self, session):
        user = make_user(session)
        row = queue_email(session, user_id=user.id, to=user.email, subject="Welcome", body="Hello")
        stored = session.exec(select(EmailOutbox).where(EmailOutbox.id == row.id)).one()
        assert (stored.status, stored.user_id, stored.to_address, stored.sent_at) == (
            EmailStatus.QUEUED, user.id, user.email, None)

    def test_deliver_over_smtp_marks_sent_once(self, session, smtp_server):
        user = make_user(session)
        row = queue_email(session, user_id=user.id, to=user.email, subject="Low balance", body="Top up")
        sender = smtp_sender(smtp_server)
        delivered = deliver(session, row.id, sender=sender)
        assert delivered.status == EmailStatus.SENT and delivered.sent_at is not None and delivered.error is None
        assert deliver(session, row.id, sender=sender).status == EmailStatus.SENT
        assert len(smtp_server.inbox.messages) == 1  # a sent row is never sent again
        assert parsed(smtp_server.inbox.messages[0]).get_content().strip() == "Top up"

    def test_failed_delivery_is_recorded_then_retried(self, session, smtp_server):
        row = queue_email(session, user_id=None, to="later@example.com", subject="Hi", body="x")
        failed = deliver(session, row.id, sender=smtp_sender(smtp_server))
        assert failed.status == EmailStatus.FAILED and failed.error.startswith("transient:")
        assert should_retry(failed)
        failed.to_address = "fixed@example.com"  # the mailbox is free again
        again = deliver(session, row.id, sender=smtp_sender(smtp_server))
        assert again.status == EmailStatus.SENT and again.error is None and not should_retry(again)

    def test_permanent_failure_is_not_retried(self, session, smtp_server):
        row = queue_email(session, user_id=None, to="reject@example.com", subject="Hi", body="x")
        failed = deliver(session, row.id, sender=smtp_sender(smtp_server))
        assert failed.status == EmailStatus.FAILED and not should_retry(failed)

    def test_console_backend_records_and_logs(self, session, caplog):
        row = queue_email(session, user_id=None, to="ann@example.com", subject="Dev mail", body="body text")
        with caplog.at_level(logging.INFO, logger="backend.integrations.email"):
            delivered = deliver(session, row.id, sender=ConsoleEmailSender())
        assert delivered.status == EmailStatus.SENT
        assert any("Dev mail" in r.getMessage() for r in caplog.records)

    def test_missing_row_is_ignored(self, session):
        assert deliver(session, 987654321, sender=ConsoleEmailSender()) is None
