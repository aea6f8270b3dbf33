"""A WebSocket link to the AAE orchestrator that stays up: heartbeat, reconnect, outbound queue.

- Heartbeat (Property 14): a `{"type": "ping"}` every 30 s; the connection is dead when no
  `{"type": "pong"}` has arrived for 60 s (counted from the last pong, or from connecting).
- Reconnect (Property 15): after a disconnect, up to 3 attempts, waiting 1 s, 2 s, then 4 s
  before each. Each attempt must finish its handshake (`hello` → `welcome`) within 10 s.
- Queue (Property 16): what is sent while the link is down waits, at most 10 messages, and is
  delivered in order right after the next successful handshake, before anything newer. The
  11th is refused with MessageQueueFull (2005).
- When every attempt has failed the link is FAILED: receivers and senders get the error —
  ConnectionFailed (2000), or ConnectionTimeout (2003) when the last attempt timed out — with
  the reason of the disconnect (e.g. HeartbeatTimeout, 2004) in `details.cause`. `start()`
  begins a fresh cycle.

All timing goes through an injectable `Clock`, so tests drive it without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from backend.errors import AppError, ConnectionFailed, ConnectionTimeout, HeartbeatTimeout, MessageQueueFull
from backend.integrations.agents.base import AgentStatus, ConnectionState, error_dict
from backend.integrations.agents.clock import SYSTEM_CLOCK, Clock, keep_alive, within
from backend.integrations.agents.transport import Connector, WebSocketConnection, connect

logger = logging.getLogger(__name__)

PING_INTERVAL = 30.0
PONG_TIMEOUT = 60.0
BACKOFF = (1.0, 2.0, 4.0)
QUEUE_LIMIT = 10
CONNECT_TIMEOUT = 10.0


class _Dead(Exception):
    """The current connection is gone; `cause` says why."""

    def __init__(self, cause: AppError) -> None:
        super().__init__(cause.message)
        self.cause = cause


class OrchestratorLink:
    def __init__(
        self,
        url: str,
        *,
        hello: Callable[[bool], dict[str, Any]],
        headers: Mapping[str, str] | None = None,
        connector: Connector = connect,
        clock: Clock = SYSTEM_CLOCK,
        on_status: Callable[[AgentStatus], None] | None = None,
        agent_name: str = "remote",
        ping_interval: float = PING_INTERVAL,
        pong_timeout: float = PONG_TIMEOUT,
        backoff: tuple[float, ...] = BACKOFF,
        queue_limit: int = QUEUE_LIMIT,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.url = url
        self._hello = hello  # hello(resume) -> the first message of every connection
        self._headers = dict(headers or {})
        self._connector = connector
        self._clock = clock
        self._on_status = on_status
        self._agent_name = agent_name
        self.ping_interval, self.pong_timeout = ping_interval, pong_timeout
        self.backoff, self.queue_limit, self.connect_timeout = backoff, queue_limit, connect_timeout

        self._state = ConnectionState.CLOSED
        self._status = AgentStatus(agent_name, ConnectionState.CLOSED)
        self._connection: WebSocketConnection | None = None
        self._outbox: deque[str] = deque()
        self._send_lock = asyncio.Lock()
        self._inbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._settled = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._failure: AppError | None = None
        self._connected_once = False
        self.last_pong = 0.0
        self.welcome: dict[str, Any] | None = None

    # --- public ------------------------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def status(self) -> AgentStatus:
        return self._status

    @property
    def queued(self) -> int:
        return len(self._outbox)

    async def start(self) -> AgentStatus:
        """Connect (retrying per Property 15) and return once connected or failed."""
        if self._supervisor is None or self._supervisor.done():
            self._failure = None
            self._settled.clear()
            self._inbox = asyncio.Queue()
            self._supervisor = asyncio.create_task(self._supervise(), name=f"orchestrator-link {self.url}")
        await self._settled.wait()
        return self._status

    async def send(self, message: dict[str, Any]) -> None:
        """Send now, or queue while reconnecting (MessageQueueFull beyond the limit)."""
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)
        async with self._send_lock:
            if self._state is ConnectionState.CONNECTED and self._connection is not None:
                try:
                    await self._connection.send_text(text)
                    return
                except AppError as exc:
                    logger.info("orchestrator link: send failed (%s); queueing", exc.message)
                    self._lost(self._connection)
            if self._state in (ConnectionState.CONNECTING, ConnectionState.RECONNECTING):
                if len(self._outbox) >= self.queue_limit:
                    raise MessageQueueFull(
                        f"{self.queue_limit} messages are already waiting for the agent connection",
                        details={"limit": self.queue_limit, "state": str(self._state)},
                    )
                self._outbox.append(text)
                return
            raise self._failure or ConnectionFailed("The agent connection is closed")

    async def receive(self) -> dict[str, Any]:
        """The next message from the orchestrator; raises the link's error once it has failed."""
        message = await self._inbox.get()
        if message is None:
            self._inbox.put_nowait(None)  # every later receiver sees the failure too
            raise self._failure or ConnectionFailed("The agent connection is closed")
        return message

    async def close(self) -> None:
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        await self._drop_connection()
        self._outbox.clear()
        self._set_state(ConnectionState.CLOSED)
        self._inbox.put_nowait(None)
        self._settled.set()

    # --- the supervisor: connect, run, reconnect ----------------------------------------------

    async def _supervise(self) -> None:
        self._set_state(ConnectionState.CONNECTING)
        cause: AppError | None = None
        try:
            try:
                await self._open()
            except AppError as exc:
                cause = exc
            while True:
                if cause is not None:
                    cause = await self._reconnect(cause)
                    if cause is not None:
                        self._fail(cause)
                        return
                self._settled.set()
                cause = await self._run_connection()
        except Exception as exc:  # a bug must not leave start() and receivers waiting forever
            logger.exception("orchestrator link supervisor crashed")
            self._fail(ConnectionFailed("The agent link failed", details={"reason": repr(exc)}))

    async def _reconnect(self, cause: AppError) -> AppError | None:
        """Up to len(backoff) attempts after the backoff delays; None once connected again."""
        last: AppError = cause
        for attempt, delay in enumerate(self.backoff, start=1):
            self._set_state(ConnectionState.RECONNECTING, attempt=attempt, error=cause)
            await self._clock.sleep(delay)
            try:
                await self._open()
                return None
            except AppError as exc:
                logger.info("orchestrator link: attempt %s/%s failed: %s", attempt, len(self.backoff), exc.message)
                last = exc
        failure: AppError = ConnectionTimeout() if isinstance(last, ConnectionTimeout) else ConnectionFailed()
        failure.message = f"The agent service is unreachable after {len(self.backoff)} reconnect attempts"
        failure.details = {"attempts": len(self.backoff), "cause": error_dict(cause), "last_error": error_dict(last)}
        return failure

    async def _open(self) -> None:
        """Connect and handshake within the timeout; then flush the queue, oldest first."""
        resume = self._connected_once
        try:
            connection = await within(self._clock, self.connect_timeout, self._handshake(resume), _connect_timeout)
        except AppError:
            raise
        except Exception as exc:  # protocol violations, TLS errors...: the attempt failed
            raise ConnectionFailed("Could not connect to the agent service", details={"reason": repr(exc)}) from exc
        async with self._send_lock:
            try:
                while self._outbox:
                    await connection.send_text(self._outbox[0])
                    self._outbox.popleft()
            except AppError:
                await connection.close()
                raise
            self._connection = connection
            self._connected_once = True
            self.last_pong = self._clock.now()
            self._set_state(ConnectionState.CONNECTED)

    async def _handshake(self, resume: bool) -> WebSocketConnection:
        connection = await self._connector(self.url, self._headers)
        try:
            await connection.send_text(json.dumps(self._hello(resume), separators=(",", ":"), default=str))
            while True:
                message = _parse(await connection.receive_text())
                if message is None:
                    continue
                if message.get("type") == "welcome":
                    self.welcome = message
                    return connection
                if message.get("type") == "error":
                    error = message.get("error") or {}
                    raise ConnectionFailed("The agent service refused the session",
                                           details={"error": error if isinstance(error, dict) else str(error)})
        except BaseException:
            await connection.close()
            raise

    async def _run_connection(self) -> AppError:
        """Read and heartbeat until the connection dies; returns why it died."""
        connection = self._connection
        assert connection is not None
        reader = asyncio.create_task(self._read(connection))
        heartbeat = asyncio.create_task(self._heartbeat(connection))
        try:
            done, _ = await asyncio.wait({reader, heartbeat}, return_when=asyncio.FIRST_COMPLETED)
            finished = done.pop()
            error = finished.exception()
            cause = error.cause if isinstance(error, _Dead) else ConnectionFailed(f"Link task failed: {error!r}")
        finally:
            reader.cancel()
            heartbeat.cancel()
            await asyncio.wait({reader, heartbeat})
        logger.info("orchestrator link lost: %s", cause.message)
        async with self._send_lock:
            self._lost(connection)
        await connection.close()
        return cause

    async def _read(self, connection: WebSocketConnection) -> None:
        while True:
            try:
                text = await connection.receive_text()
            except AppError as exc:
                raise _Dead(ConnectionFailed("The agent service closed the connection",
                                             details={"reason": exc.message})) from exc
            message = _parse(text)
            if message is None:
                continue
            kind = message.get("type")
            if kind == "pong":
                self.last_pong = self._clock.now()
            elif kind == "ping":
                with contextlib.suppress(AppError):
                    await connection.send_text('{"type":"pong"}')
            else:
                self._inbox.put_nowait(message)

    async def _heartbeat(self, connection: WebSocketConnection) -> None:
        async def ping() -> None:
            try:
                await connection.send_text('{"type":"ping"}')
            except AppError as exc:
                raise _Dead(ConnectionFailed("Ping failed", details={"reason": exc.message})) from exc

        try:
            await keep_alive(self._clock, interval=self.ping_interval, timeout=self.pong_timeout,
                             last_pong=lambda: self.last_pong, send_ping=ping)
        except HeartbeatTimeout as exc:
            raise _Dead(HeartbeatTimeout(f"No pong from the agent service for {self.pong_timeout:g} s",
                                         details=exc.details)) from exc

    # --- state ------------------------------------------------------------------------------

    def _lost(self, connection: WebSocketConnection) -> None:
        """Called under the send lock: from now on, sends are queued."""
        if self._connection is connection:
            self._connection = None
            if self._state is ConnectionState.CONNECTED:
                self._set_state(ConnectionState.RECONNECTING, attempt=0)

    def _fail(self, failure: AppError) -> None:
        self._failure = failure
        self._outbox.clear()
        self._set_state(ConnectionState.FAILED, error=failure)
        self._inbox.put_nowait(None)
        self._settled.set()

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    def _set_state(self, state: ConnectionState, *, attempt: int = 0, error: AppError | None = None) -> None:
        self._state = state
        self._status = AgentStatus(
            self._agent_name, state, attempt=attempt,
            max_attempts=len(self.backoff) if state is ConnectionState.RECONNECTING else 0,
            error={"code": error.code, "message": error.message} if error is not None else None,
        )
        if self._on_status is not None:
            try:
                self._on_status(self._status)
            except Exception:
                logger.exception("orchestrator link status listener failed")


def _connect_timeout() -> AppError:
    return ConnectionTimeout("The agent service did not complete the handshake in time")


def _parse(text: str) -> dict[str, Any] | None:
    try:
        message = json.loads(text)
    except ValueError:
        logger.warning("orchestrator link: ignoring a message that is not JSON")
        return None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        logger.warning("orchestrator link: ignoring a message without a type")
        return None
    return message
