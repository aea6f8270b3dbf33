"""Real components for the adapters: moto_server (S3 + CloudFront), aiosmtpd (plain and
STARTTLS + AUTH), and local HTTP fakes for what sits on the internet (the Meta Graph API and a
CDN edge that reads the private buckets like CloudFront with origin access control).

Every server binds 127.0.0.1 on a free port and is stopped by the fixture that started it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.integrations.storage import BucketKind, S3Storage
from tests.integrations.fake_graph import FakeGraph

SMTP_USER, SMTP_PASSWORD = "mailer", "s3cret-pass"


from tests.support.servers import ServerThread, free_port, wait_until  # noqa: E402,F401
from tests.support.aws import aws_client  # noqa: E402,F401


# --- SMTP: aiosmtpd ---------------------------------------------------------------------------


@dataclass
class Inbox:
    """Accepts mail; recipients starting "reject" get 550, "later" get 451."""

    messages: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user here"
        if address.startswith("later"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "content": envelope.original_content or envelope.content,
                              "tls": session.ssl is not None,
                              "login": getattr(session.auth_data, "login", None)})
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Inbox
    cafile: str | None = None


@pytest.fixture(scope="session")
def _smtp_plain() -> Iterator[SmtpServer]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, inbox)
    finally:
        controller.stop()


@pytest.fixture()
def smtp_server(_smtp_plain: SmtpServer) -> SmtpServer:
    _smtp_plain.inbox.messages.clear()
    return _smtp_plain


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.crt", directory / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(), SMTP_PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.fixture(scope="session")
def _smtp_tls(tmp_path_factory) -> Iterator[SmtpServer]:
    cert, key = _self_signed(tmp_path_factory.mktemp("smtp-tls"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True,
        auth_required=True, auth_require_tls=True, authenticator=_authenticator,
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, inbox, cafile=str(cert))
    finally:
        controller.stop()


@pytest.fixture()
def smtp_tls_server(_smtp_tls: SmtpServer) -> SmtpServer:
    _smtp_tls.inbox.messages.clear()
    return _smtp_tls


# --- Meta Graph API fake ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def _graph_server() -> Iterator[tuple[FakeGraph, str]]:
    fake = FakeGraph()
    with ServerThread(fake.app) as server:
        yield fake, server.url


@pytest.fixture()
def fake_graph(_graph_server) -> FakeGraph:
    fake, url = _graph_server
    fake.requests.clear()
    fake.url = url
    return fake
