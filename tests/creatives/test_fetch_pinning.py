"""`save_creative`'s URL fetch connects only to the address it checked: a DNS answer that changes
between the check and the connection (DNS rebinding) cannot point the fetch at the platform's own
network."""

from __future__ import annotations

import socket

import httpcore._backends.sync as httpcore_sync
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.creatives import tools as creative_tools
from backend.errors import ValidationFailed
from tests.support.servers import ServerThread

PUBLIC = "93.184.215.14"  # a global address; nothing is ever sent to it here


@pytest.fixture()
def internal_server():
    hits: list[str] = []

    async def secret(request: Request) -> Response:
        hits.append(request.url.path)
        return Response(b"internal data", media_type="image/png")

    with ServerThread(Starlette(routes=[Route("/secret.png", secret)])) as server:
        server.hits = hits
        yield server


@pytest.fixture()
def rebinding_dns(monkeypatch):
    """`rebind.example` answers a public address first and loopback on every later lookup."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = PUBLIC if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


@pytest.fixture()
def connections(monkeypatch):
    """Every address httpcore opens a socket to; connecting to the public address is refused at
    once (no traffic leaves the machine), loopback connects for real."""
    real = httpcore_sync.socket.create_connection
    opened: list[str] = []

    def create_connection(address, *args, **kwargs):
        opened.append(address[0])
        if address[0] == PUBLIC:
            raise ConnectionRefusedError("test: not connecting out")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(httpcore_sync.socket, "create_connection", create_connection)
    return opened


def test_a_rebinding_answer_never_reaches_the_internal_server(internal_server, rebinding_dns, connections):
    port = internal_server.url.rsplit(":", 1)[1]
    with pytest.raises(ValidationFailed) as failure:
        creative_tools.fetch(f"http://rebind.example:{port}/secret.png", max_bytes=10_000)
    assert connections == [PUBLIC]  # the checked address, and only it
    assert len(rebinding_dns) == 1  # one lookup: no second answer to slip in
    assert internal_server.hits == []
    assert failure.value.details["field"] == "url" and "ConnectError" in failure.value.message


def test_a_name_with_any_private_address_is_refused_before_connecting(monkeypatch, connections):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(ValidationFailed) as failure:
        creative_tools.fetch("http://mixed.example/a.png", max_bytes=10_000)
    assert "not a public address" in failure.value.message
    assert connections == []


def test_an_unresolvable_host_is_a_clear_failure(monkeypatch, connections):
    def getaddrinfo(host, port, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(ValidationFailed) as failure:
        creative_tools.fetch("http://nowhere.example/a.png", max_bytes=10_000)
    assert "does not resolve" in failure.value.message and connections == []


def test_loopback_is_fetched_when_private_hosts_are_allowed(internal_server, monkeypatch, connections):
    monkeypatch.setattr(creative_tools, "ALLOW_PRIVATE_HOSTS", True)
    assert creative_tools.fetch(f"{internal_server.url}/secret.png", max_bytes=10_000) == b"internal data"
    assert connections == ["127.0.0.1"] and internal_server.hits == ["/secret.png"]
