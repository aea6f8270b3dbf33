"""`WS /ws/chat`: the chat over a plain WebSocket for non-browser clients.

JSON text messages, documented in docs/chat-protocol.md. The client authenticates with its
access token — `?token=…`, an `Authorization: Bearer …` header, or a first message
`{"type": "auth", "token": "…"}` within 10 s — and then talks exactly like the in-app chat:
`message`, `approve`, `reject`, `stop`, `history`, `conversations`. The server pings every
30 s and closes the socket (4408, after an error 2004) when no pong came for 60 s (Property 14).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from backend.common.routing import api_router
from backend.auth.service import authenticate_access_token
from backend.chat import flow, service
from backend.chat.events import StatusChanged
from backend.db import unit_of_work
from backend.errors import AppError, HeartbeatTimeout, NotFound, Unauthorized, ValidationFailed
from backend.integrations.agents.base import Agent, AgentStatus
from backend.integrations.agents.clock import SYSTEM_CLOCK, Clock, keep_alive, within

logger = logging.getLogger(__name__)

router = api_router(tags=["chat"])

CLOSE_UNAUTHORIZED = 4401
CLOSE_HEARTBEAT = 4408
CLOSE_AGENT_UNAVAILABLE = 1011
MAX_FRAME_CHARS = 64 * 1024


@dataclass(frozen=True)
class SocketOptions:
    """Timing and agent of the socket; tests override `socket_options` with a manual clock."""

    clock: Clock = SYSTEM_CLOCK
    ping_interval: float = 30.0
    pong_timeout: float = 60.0
    auth_timeout: float = 10.0
    agent_factory: Callable[[int], Agent] | None = None  # None: the configured agent


def socket_options() -> SocketOptions:
    return SocketOptions()


@router.websocket("/ws/chat")
async def chat_socket(websocket: WebSocket, options: Annotated[SocketOptions, Depends(socket_options)]) -> None:
    await websocket.accept()
    socket = _Socket(websocket, options)
    try:
        await socket.serve()
    finally:
        await socket.shutdown()


class _Socket:
    def __init__(self, websocket: WebSocket, options: SocketOptions) -> None:
        self.websocket = websocket
        self.options = options
        self.clock = options.clock
        self.last_pong = options.clock.now()
        self.session: flow.ChatSession | None = None
        self._send_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()

    async def serve(self) -> None:
        try:
            user_id = await self._authenticate()
        except AppError as exc:
            await self.send({"type": "error", "error": _error(exc)})
            await self._close(CLOSE_UNAUTHORIZED)
            return
        try:
            agent = self.options.agent_factory(user_id) if self.options.agent_factory else None
            self.session = await flow.open_session(user_id, agent=agent, clock=self.clock)
        except AppError as exc:  # e.g. the configured agent is missing its settings
            await self.send({"type": "error", "error": _error(exc)})
            await self._close(CLOSE_AGENT_UNAVAILABLE)
            return
        self.session.add_status_listener(self._status_changed)
        latest = await asyncio.to_thread(_latest_conversation, user_id)
        await self.send({"type": "ready", "user_id": user_id, "conversation_id": latest,
                         "status": self.session.status.to_dict(),
                         "heartbeat": {"interval": self.options.ping_interval, "timeout": self.options.pong_timeout}})
        self.last_pong = self.clock.now()
        reader = asyncio.create_task(self._read())
        heartbeat = asyncio.create_task(keep_alive(
            self.clock, interval=self.options.ping_interval, timeout=self.options.pong_timeout,
            last_pong=lambda: self.last_pong, send_ping=lambda: self.send({"type": "ping"})))
        try:
            done, _ = await asyncio.wait({reader, heartbeat}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reader, heartbeat):
                task.cancel()
            await asyncio.wait({reader, heartbeat})
        if heartbeat in done and isinstance(heartbeat.exception(), HeartbeatTimeout):
            logger.info("chat socket of user %s: heartbeat timeout", user_id)
            await self.send({"type": "error", "error": _error(heartbeat.exception())})  # type: ignore[arg-type]
            await self._close(CLOSE_HEARTBEAT)

    async def shutdown(self) -> None:
        if self.session is not None:
            await self.session.close()
        for task in list(self._tasks):
            task.cancel()
        await self._close(1000)

    # --- authentication ---------------------------------------------------------------------

    async def _authenticate(self) -> int:
        token = self.websocket.query_params.get("token")
        header = self.websocket.headers.get("authorization", "")
        if not token and header.lower().startswith("bearer "):
            token = header[7:].strip()
        if not token:
            first = await within(self.clock, self.options.auth_timeout, self._receive_json(),
                                 lambda: Unauthorized("No access token in time", details={"reason": "timeout"}))
            if first is None or first.get("type") != "auth" or not isinstance(first.get("token"), str):
                raise Unauthorized("Authenticate first: {\"type\": \"auth\", \"token\": ...}")
            token = first["token"]
        return await asyncio.to_thread(_user_of, token)

    # --- the conversation -------------------------------------------------------------------

    async def _read(self) -> None:
        while True:
            message = await self._receive_json()
            if message is None:
                return
            try:
                await self._dispatch(message)
            except AppError as exc:
                await self.send({"type": "error", "error": _error(exc)})

    async def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        session = self.session
        assert session is not None
        if kind == "pong":
            self.last_pong = self.clock.now()
        elif kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "message":
            turn = await session.send(message.get("text"), conversation_id=message.get("conversation_id") or None)
            self._spawn(self._forward(turn))
        elif kind in ("approve", "reject"):
            call_id = str(message.get("call_id", ""))
            found = session.approve(call_id) if kind == "approve" else session.reject(call_id, message.get("reason"))
            if not found:
                raise NotFound("No tool call waits for approval under this id", details={"call_id": call_id})
        elif kind == "stop":
            session.stop()
        elif kind == "history":
            conversation_id = message.get("conversation_id") or None
            limit = message.get("limit", 100)
            if not isinstance(limit, int) or isinstance(limit, bool):
                raise ValidationFailed("limit must be an integer", details={"field": "limit"})
            messages, conversation_id = await asyncio.to_thread(_history, session.user_id, conversation_id, limit)
            await self.send({"type": "history", "conversation_id": conversation_id,
                             "messages": [m.to_dict() for m in messages]})
        elif kind == "conversations":
            conversations = await asyncio.to_thread(_conversations, session.user_id)
            await self.send({"type": "conversations", "conversations": [c.to_dict() for c in conversations]})
        else:
            raise ValidationFailed(f"Unknown message type: {kind!r}", details={"field": "type"})

    async def _forward(self, turn: flow.ChatTurn) -> None:
        async for event in turn.events():
            if not isinstance(event, StatusChanged):  # status goes out through the session listener
                await self.send(event.to_dict())

    def _status_changed(self, status: AgentStatus) -> None:
        self._spawn(self.send({"type": "status", "status": status.to_dict()}))

    # --- plumbing ---------------------------------------------------------------------------

    async def _receive_json(self) -> dict[str, Any] | None:
        """The next JSON object from the client; None once it has gone."""
        while True:
            try:
                frame = await self.websocket.receive()
            except (WebSocketDisconnect, RuntimeError):
                return None
            if frame["type"] == "websocket.disconnect":
                return None
            text = frame.get("text")
            if text is None or len(text) > MAX_FRAME_CHARS:
                await self.send({"type": "error", "error": _error(ValidationFailed(
                    f"Messages must be JSON text of at most {MAX_FRAME_CHARS} characters"))})
                continue
            try:
                message = json.loads(text)
            except ValueError:
                message = None
            if isinstance(message, dict):
                return message
            await self.send({"type": "error", "error": _error(ValidationFailed("Messages must be JSON objects"))})

    async def send(self, data: dict[str, Any]) -> None:
        if self.websocket.application_state is not WebSocketState.CONNECTED:
            return
        async with self._send_lock:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                await self.websocket.send_text(json.dumps(data, ensure_ascii=False, default=str))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _close(self, code: int) -> None:
        if self.websocket.application_state is WebSocketState.CONNECTED:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                await self.websocket.close(code=code)


def _error(exc: AppError) -> dict[str, Any]:
    return exc.to_envelope()["error"]


def _user_of(token: str) -> int:
    with unit_of_work() as session:
        user = authenticate_access_token(session, token)
        assert user.id is not None
        return user.id


def _latest_conversation(user_id: int) -> str | None:
    with unit_of_work() as session:
        return service.latest_conversation_id(session, user_id)


def _history(user_id: int, conversation_id: str | None, limit: int) -> tuple[list[Any], str | None]:
    with unit_of_work() as session:
        conversation_id = conversation_id or service.latest_conversation_id(session, user_id)
        if conversation_id is None:
            return [], None
        return service.load_history(session, user_id, conversation_id, limit=limit), conversation_id


def _conversations(user_id: int) -> list[Any]:
    with unit_of_work() as session:
        return service.list_conversations(session, user_id)
