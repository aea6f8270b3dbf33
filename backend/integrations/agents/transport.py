"""A WebSocket client connection for asyncio, on wsproto.

The `websockets` package is not among this project's dependencies; `wsproto` is (through
reflex → python-engineio → simple-websocket) and does the protocol work — handshake, framing,
masking, fragmentation, control frames. This module only moves its bytes over an asyncio
stream. The orchestrator link talks to `WebSocketConnection`, so another client (e.g.
`websockets.asyncio.client.connect`) can replace `connect` without touching the link.

Heartbeats are JSON messages at the application level (see docs/chat-protocol.md): WebSocket
ping frames are answered here but never relied on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.connection import ConnectionState as WsState
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Ping,
    RejectConnection,
    RejectData,
    Request,
    TextMessage,
)
from wsproto.utilities import LocalProtocolError

from backend.errors import ConnectionFailed

logger = logging.getLogger(__name__)

READ_CHUNK = 65536
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


class ConnectionClosed(ConnectionFailed):
    default_message = "The WebSocket connection was closed"


class WebSocketConnection(Protocol):
    async def send_text(self, text: str) -> None: ...

    async def receive_text(self) -> str:
        """The next text message; `ConnectionClosed` once the connection is gone."""

    async def close(self, code: int = 1000) -> None: ...


Connector = Callable[[str, Mapping[str, str]], Awaitable[WebSocketConnection]]


async def connect(url: str, headers: Mapping[str, str] | None = None) -> WebSocketConnection:
    """Open `ws://` or `wss://` `url`; `ConnectionFailed` (2000) when it cannot be established."""
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ConnectionFailed("Not a WebSocket URL", details={"url": url})
    secure = parts.scheme == "wss"
    port = parts.port or (443 if secure else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    try:
        reader, writer = await asyncio.open_connection(
            parts.hostname, port, ssl=ssl.create_default_context() if secure else None,
            server_hostname=parts.hostname if secure else None,
        )
    except OSError as exc:
        raise ConnectionFailed("Could not reach the agent service", details={"url": _safe(url), "reason": str(exc)}) from exc
    connection = WsprotoConnection(reader, writer)
    try:
        await connection.handshake(host_header, target, headers or {})
    except BaseException:
        connection.abort()
        raise
    return connection


def _safe(url: str) -> str:
    """The URL without its query string (which may carry a token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class WsprotoConnection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._ws = WSConnection(ConnectionType.CLIENT)
        self._messages: deque[str] = deque()
        self._partial: list[str] = []
        self._partial_size = 0
        self._closed = False
        self.close_code: int | None = None  # the peer's close code, once it closed

    async def handshake(self, host: str, target: str, headers: Mapping[str, str]) -> None:
        extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        self._writer.write(self._ws.send(Request(host=host, target=target, extra_headers=extra)))
        await self._writer.drain()
        while True:
            data = await self._reader.read(READ_CHUNK)
            if not data:
                raise ConnectionFailed("The agent service closed the connection during the handshake")
            self._ws.receive_data(data)
            for event in self._ws.events():
                if isinstance(event, AcceptConnection):
                    self._handle_events()  # frames that arrived together with the handshake
                    return
                if isinstance(event, RejectConnection):
                    raise ConnectionFailed("The agent service refused the connection",
                                           details={"http_status": event.status_code})
                if isinstance(event, RejectData):
                    continue

    async def send_text(self, text: str) -> None:
        if self._closed or self._ws.state is not WsState.OPEN:
            raise ConnectionClosed()
        try:
            self._writer.write(self._ws.send(TextMessage(data=text)))
            await self._writer.drain()
        except (OSError, RuntimeError) as exc:  # RuntimeError: the transport is already closing
            self._closed = True
            raise ConnectionClosed(details={"reason": str(exc)}) from exc

    async def receive_text(self) -> str:
        while not self._messages:
            if self._closed:
                raise ConnectionClosed()
            try:
                data = await self._reader.read(READ_CHUNK)
            except OSError as exc:
                self._closed = True
                raise ConnectionClosed(details={"reason": str(exc)}) from exc
            if not data:
                self._closed = True
                self._ws.receive_data(None)
                raise ConnectionClosed()
            self._ws.receive_data(data)
            self._handle_events()
        return self._messages.popleft()

    def _handle_events(self) -> None:
        for event in self._ws.events():
            if isinstance(event, TextMessage):
                self._partial.append(event.data)
                self._partial_size += len(event.data)
                if self._partial_size > MAX_MESSAGE_BYTES:
                    self._send_quietly(CloseConnection(code=1009))
                    self._closed = True
                    return
                if event.message_finished:
                    self._messages.append("".join(self._partial))
                    self._partial, self._partial_size = [], 0
            elif isinstance(event, BytesMessage):
                logger.debug("ignoring a binary WebSocket message")
            elif isinstance(event, Ping):
                self._send_quietly(event.response())
            elif isinstance(event, CloseConnection):
                self.close_code = event.code
                if self._ws.state is WsState.REMOTE_CLOSING:
                    self._send_quietly(event.response())
                self._closed = True

    def _send_quietly(self, event: Ping | CloseConnection | object) -> None:
        try:
            self._writer.write(self._ws.send(event))  # type: ignore[arg-type]
        except (OSError, RuntimeError, LocalProtocolError):  # the peer is gone; the next read reports it
            self._closed = True

    async def close(self, code: int = 1000) -> None:
        if self._ws.state is WsState.OPEN:
            self._send_quietly(CloseConnection(code=code))
        self._closed = True
        self.abort()
        with contextlib.suppress(OSError):  # closing a broken socket may fail; it is closed either way
            await self._writer.wait_closed()

    def abort(self) -> None:
        self._closed = True
        if not self._writer.is_closing():
            self._writer.close()
