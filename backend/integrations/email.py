"""Email: SMTP in production, console (log) in the embedded shape; every email goes through the outbox.

Callers never send directly. `queue_email` writes an `email_outbox` row inside the caller's
transaction; after commit a job calls `deliver(session, outbox_id)`, which sends through the
configured sender and marks the row sent or failed. A failed row keeps its error and can be
delivered again (the job retries it); a sent row is never sent twice.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from abc import ABC, abstractmethod
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlmodel import Session

from backend.config import EmailBackend, Settings, get_settings
from backend.models.base import utcnow
from backend.models.notification import EmailOutbox, EmailStatus

logger = logging.getLogger(__name__)


class EmailSendError(Exception):
    """Sending failed. `transient` is True when trying again later may work."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class EmailSender(ABC):
    @abstractmethod
    def send(self, to: str, subject: str, body_text: str, body_html: str | None = None) -> None:
        """Send one email or raise EmailSendError."""


def build_message(sender: str, to: str, subject: str, body_text: str, body_html: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    message.set_content(body_text)
    if body_html:
        message.add_alternative(body_html, subtype="html")
    return message


class SmtpEmailSender(EmailSender):
    """smtplib: STARTTLS when `use_tls`, LOGIN/PLAIN auth when a username is set."""

    def __init__(
        self, *, host: str, port: int, sender: str, username: str | None = None, password: str | None = None,
        use_tls: bool = False, ssl_context: ssl.SSLContext | None = None, timeout: float = 30.0,
    ):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.use_tls, self.timeout = use_tls, timeout
        self.ssl_context = ssl_context or ssl.create_default_context()

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpEmailSender:
        return cls(host=settings.smtp_host, port=settings.smtp_port, sender=settings.email_from,
                   username=settings.smtp_username, password=settings.smtp_password, use_tls=settings.smtp_use_tls)

    def send(self, to, subject, body_text, body_html=None):
        message = build_message(self.sender, to, subject, body_text, body_html)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.use_tls:
                    smtp.starttls(context=self.ssl_context)
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            # 4xx: the server asks us to come back later; 5xx: it will not take this message.
            raise EmailSendError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", transient=exc.smtp_code < 500) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise EmailSendError(f"SMTP refused recipients: {codes}", transient=all(c < 500 for c in codes)) from exc
        except (smtplib.SMTPException, OSError) as exc:  # connection refused, TLS failure, timeout
            raise EmailSendError(f"SMTP failed: {exc}", transient=True) from exc
        logger.info("email sent via SMTP to=%s subject=%r", to, subject)


class ConsoleEmailSender(EmailSender):
    """The embedded shape: the email is only logged (the outbox row keeps the full text)."""

    def send(self, to, subject, body_text, body_html=None):
        logger.info("email (console backend) to=%s subject=%r\n%s", to, subject, body_text)


def get_email_sender(settings: Settings | None = None) -> EmailSender:
    settings = settings or get_settings()
    if settings.email_backend is EmailBackend.SMTP:
        return SmtpEmailSender.from_settings(settings)
    return ConsoleEmailSender()


def queue_email(
    session: Session, *, user_id: int | None, to: str, subject: str, body: str, body_html: str | None = None
) -> EmailOutbox:
    """Record an email to send; the caller commits, then enqueues delivery of `row.id`."""
    row = EmailOutbox(user_id=user_id, to_address=to, subject=subject, body=body, body_html=body_html,
                      status=EmailStatus.QUEUED)
    session.add(row)
    session.flush()
    return row


def deliver(session: Session, outbox_id: int, *, sender: EmailSender | None = None) -> EmailOutbox | None:
    """Send a queued (or previously failed) email and mark the row; None if the row is gone.

    Never raises for a send failure: the row is marked failed with the error (prefixed
    "transient: " or "permanent: "), and the job asks `should_retry(row)`. Sent rows are left
    alone, and the row is locked while sending so two workers cannot both send it.
    """
    row = session.get(EmailOutbox, outbox_id, with_for_update=True)
    if row is None or row.status == EmailStatus.SENT:
        return row
    sender = sender or get_email_sender()
    try:
        sender.send(row.to_address, row.subject, row.body, row.body_html)
    except EmailSendError as exc:
        logger.warning("email %s to %s failed (transient=%s): %s", row.id, row.to_address, exc.transient, exc)
        kind = "transient" if exc.transient else "permanent"
        row.status, row.error = EmailStatus.FAILED, f"{kind}: {exc}"[:2000]
    else:
        row.status, row.error, row.sent_at = EmailStatus.SENT, None, utcnow()
    session.add(row)
    session.flush()
    return row


def should_retry(row: EmailOutbox | None) -> bool:
    """True for a row whose last delivery failed for a reason that may pass (4xx, connection)."""
    return row is not None and row.status == EmailStatus.FAILED and (row.error or "").startswith("transient:")
