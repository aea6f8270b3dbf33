"""Test doubles for the agent link: a manual clock, a fake orchestrator, in-loop servers.

The fake servers are real ASGI apps under uvicorn on 127.0.0.1, run as tasks of the test's own
event loop, so a test can drive them directly (drop a connection, hold pongs, refuse
handshakes) and the link under test talks to them over real sockets.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.support.servers import free_port


async def eventually(predicate: Callable[[], Any], *, what: str = "the condition", timeout: float = 10.0) -> None:
    """Wait for real I/O to happen (bounded); never used to assert on durations."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


async def _let_tasks_run() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


class ManualClock:
    """A `Clock` that moves only when the test says so.

    `advance_to(t)` first waits (bounded, in real time) until something sleeps until exactly
    `t` — which is itself the timing assertion — then moves there and wakes it.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._seq = itertools.count()
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._now + seconds, next(self._seq), future)
        self._sleepers.append(entry)
        try:
            await future
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    def pending(self) -> list[float]:
        return sorted(when for when, _, future in self._sleepers if not future.done())

    async def advance(self, seconds: float) -> None:
        target = self._now + seconds
        while True:
            await _let_tasks_run()
            due = sorted((e for e in self._sleepers if not e[2].done() and e[0] <= target), key=lambda e: e[:2])
            if not due:
                break
            when, _, future = due[0]
            self._now = max(self._now, when)
            future.set_result(None)
        self._now = target
        await _let_tasks_run()

    async def advance_to(self, when: float) -> None:
        await eventually(lambda: any(math.isclose(w, when) for w in self.pending()),
                         what=f"a sleeper due at {when} (pending: {self.pending()})")
        await self.advance(when - self._now)


@asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """`app` under uvicorn on 127.0.0.1 in this event loop; yields host:port."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="wsproto",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started or task.done(), what=f"uvicorn on {port}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait({task}, timeout=10)


@dataclass
class FakeOrchestrator:
    """The AAE orchestrator's side of docs/chat-protocol.md, with knobs for failure."""

    answer_pings: bool = True
    refuse: bool = False  # reject the WebSocket handshake (HTTP 403)
    hold_welcome: bool = False  # accept, read hello, never answer it
    on_user_message: Callable[[FakeOrchestrator, dict[str, Any]], Awaitable[None]] | None = None
    attempts: int = 0
    hellos: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)  # everything but ping/pong
    pings: int = 0
    socket: WebSocket | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def app(self) -> Starlette:
        return Starlette(routes=[WebSocketRoute("/agent", self._endpoint)])

    async def _endpoint(self, websocket: WebSocket) -> None:
        self.attempts += 1
        if self.refuse:
            await websocket.close(code=1008)
            return
        await websocket.accept()
        self.headers.append(dict(websocket.headers))
        try:
            hello = json.loads(await websocket.receive_text())
            self.hellos.append(hello)
            if self.hold_welcome:
                while True:
                    await websocket.receive_text()
            await websocket.send_text(json.dumps({"type": "welcome", "session_id": hello.get("session_id")}))
            self.socket = websocket
            while True:
                message = json.loads(await websocket.receive_text())
                if message["type"] == "ping":
                    self.pings += 1
                    if self.answer_pings:
                        await websocket.send_text('{"type":"pong"}')
                    continue
                self.received.append(message)
                if message["type"] == "user_message" and self.on_user_message is not None:
                    task = asyncio.create_task(self.on_user_message(self, message))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
        except WebSocketDisconnect:
            pass
        finally:
            if self.socket is websocket:
                self.socket = None

    async def send(self, message: dict[str, Any]) -> None:
        assert self.socket is not None, "no orchestrator connection"
        await self.socket.send_text(json.dumps(message))

    async def pong(self) -> None:
        await self.send({"type": "pong"})

    async def drop(self) -> None:
        """Close the current connection from the orchestrator's side."""
        socket = self.socket
        assert socket is not None, "no orchestrator connection"
        self.socket = None
        await socket.close(code=1011)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.received if m.get("type") == kind]

    async def next_of_type(self, kind: str, *, after: int = 0) -> dict[str, Any]:
        await eventually(lambda: len(self.of_type(kind)) > after, what=f"a {kind} message")
        return self.of_type(kind)[after]


@asynccontextmanager
async def orchestrator_server(fake: FakeOrchestrator | None = None) -> AsyncIterator[tuple[FakeOrchestrator, str]]:
    fake = fake or FakeOrchestrator()
    async with serve(fake.app()) as address:
        yield fake, f"ws://{address}/agent"


class MemoryConnection:
    """One in-memory WebSocket connection to `MemoryOrchestrator` (no sockets: for hypothesis)."""

    def __init__(self, server: MemoryOrchestrator) -> None:
        self.server = server
        self.inbox: asyncio.Queue[str | None] = asyncio.Queue()
        self.closed = False

    async def send_text(self, text: str) -> None:
        from backend.integrations.agents.transport import ConnectionClosed

        if self.closed:
            raise ConnectionClosed()
        message = json.loads(text)
        if message["type"] == "hello":
            self.server.hellos.append(message)
            self.inbox.put_nowait(json.dumps({"type": "welcome"}))
        elif message["type"] == "ping":
            self.inbox.put_nowait('{"type":"pong"}')
        else:
            self.server.received.append(message)

    async def receive_text(self) -> str:
        from backend.integrations.agents.transport import ConnectionClosed

        text = await self.inbox.get()
        if text is None:
            self.closed = True
            raise ConnectionClosed()
        return text

    async def close(self, code: int = 1000) -> None:
        self.closed = True
        self.inbox.put_nowait(None)


@dataclass
class MemoryOrchestrator:
    up: bool = True
    hellos: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    connection: MemoryConnection | None = None

    async def connect(self, url: str, headers: Any) -> MemoryConnection:
        from backend.errors import ConnectionFailed

        if not self.up:
            raise ConnectionFailed("down")
        self.connection = MemoryConnection(self)
        return self.connection

    def drop(self) -> None:
        assert self.connection is not None
        self.connection.inbox.put_nowait(None)


async def drive(stream: Any, answer: Callable[[Any], Any] | None = None) -> list[Any]:
    """Run an agent stream to its end as the platform would, answering each ToolCall with
    `answer(call)` (default: a success with `{"ok": true}`); returns every event."""
    from backend.integrations.agents.base import ToolCall, ToolResult

    answer = answer or (lambda call: ToolResult(call.id, call.name, True, data={"ok": True}))
    events: list[Any] = []
    reply = None
    while True:
        try:
            event = await stream.asend(reply)
        except StopAsyncIteration:
            return events
        events.append(event)
        reply = answer(event) if isinstance(event, ToolCall) else None
