"""The AAE orchestrator as the chat agent, over the WebSocket protocol of docs/chat-protocol.md.

The orchestrator owns the conversation logic; this side carries the user's message, runs the
tool calls it asks for (through the platform's MCP path, after approval where needed) and
streams its answer. The connection itself — heartbeat, reconnect, queue — is `OrchestratorLink`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from backend.errors import AppError
from backend.integrations.agents.base import (
    Agent,
    AgentError,
    AgentRequest,
    AgentStatus,
    AgentStream,
    ConnectionState,
    Final,
    Media,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
)
from backend.integrations.agents.clock import SYSTEM_CLOCK, Clock
from backend.integrations.agents.link import OrchestratorLink
from backend.integrations.agents.transport import Connector, connect

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
HISTORY_LIMIT = 40  # earlier messages sent with each turn, for an orchestrator without memory


class RemoteAgent(Agent):
    name = "remote"

    def __init__(
        self,
        url: str,
        *,
        user_id: int,
        service_token: str,
        connector: Connector = connect,
        clock: Clock = SYSTEM_CLOCK,
        link_options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.user_id = user_id
        self.session_id = uuid.uuid4().hex
        self.link = OrchestratorLink(
            url, hello=self._hello, connector=connector, clock=clock, on_status=self._set_status,
            agent_name=self.name,
            headers={"Authorization": f"Bearer {service_token}", "X-AAE-User-Id": str(user_id)},
            **dict(link_options or {}),
        )

    def _hello(self, resume: bool) -> dict[str, Any]:
        return {"type": "hello", "protocol": PROTOCOL_VERSION, "session_id": self.session_id,
                "user_id": self.user_id, "resume": resume}

    async def connect(self) -> AgentStatus:
        return await self.link.start()

    async def close(self) -> None:
        await self.link.close()

    async def cancel(self, turn_id: str) -> None:
        try:
            await self.link.send({"type": "cancel", "turn_id": turn_id})
        except AppError as exc:  # the link is down: the orchestrator will not finish the turn anyway
            logger.info("could not send cancel for turn %s: %s", turn_id, exc.message)

    async def run(self, request: AgentRequest) -> AgentStream:
        try:
            if self.link.state in (ConnectionState.CLOSED, ConnectionState.FAILED):
                await self.link.start()
            await self.link.send({
                "type": "user_message", "turn_id": request.turn_id, "conversation_id": request.conversation_id,
                "text": request.text, "language": request.language, "history": request.history[-HISTORY_LIMIT:],
                "tools": [{"name": t.name, "requires_approval": t.requires_approval} for t in request.tools],
            })
            while True:
                message = await self.link.receive()
                if message.get("turn_id") != request.turn_id:
                    logger.debug("dropping a %s message of another turn", message.get("type"))
                    continue
                event = _event_of(message)
                if event is None:
                    continue
                if isinstance(event, ToolCall):
                    result = yield event
                    await self.link.send(_tool_result_message(request.turn_id, event, result))
                    continue
                yield event
                if isinstance(event, (Final, AgentError)):
                    return
        except AppError as exc:
            yield AgentError.of(exc)


def _tool_result_message(turn_id: str, call: ToolCall, result: ToolResult | None) -> dict[str, Any]:
    if result is None:  # driven without a platform: nothing ran
        return {"type": "tool_result", "turn_id": turn_id, "call_id": call.id, "ok": False,
                "error": {"code": "3003", "message": "The tool was not run"}}
    return {"type": "tool_result", "turn_id": turn_id, "call_id": call.id, "ok": result.ok,
            "content": result.content(), "credits_charged": str(result.credits_charged)}


def _event_of(message: dict[str, Any]):  # -> AgentEvent | None
    """The agent event for one orchestrator message; None (logged) for what is not understood."""
    kind = message.get("type")
    try:
        if kind == "text":
            return TextDelta(str(message.get("delta", "")))
        if kind == "tool_call":
            arguments = message.get("arguments")
            return ToolCall(str(message["call_id"]), str(message["name"]),
                            arguments if isinstance(arguments, dict) else None,
                            raw_arguments=None if isinstance(arguments, dict) else repr(arguments))
        if kind == "tool_result":  # a tool the orchestrator ran itself through /mcp: shown only
            return ToolResult(str(message["call_id"]), str(message["name"]), bool(message.get("ok")),
                              data=message.get("data"), error=message.get("error"),
                              summary=str(message.get("summary", "")))
        if kind == "media":
            media_kind = message.get("kind")
            if media_kind not in ("image", "video"):
                raise ValueError(f"media kind {media_kind!r}")
            creative_id = message.get("creative_id")
            return Media(media_kind, key=message.get("key"),
                         creative_id=int(creative_id) if creative_id is not None else None,
                         mime_type=message.get("mime_type"), caption=message.get("caption"))
        if kind == "usage":
            return Usage(str(message.get("model", "")), int(message.get("input_tokens", 0)),
                         int(message.get("output_tokens", 0)))
        if kind == "final":
            return Final(str(message.get("finish_reason", "stop")))
        if kind == "error":
            error = message.get("error") or {}
            return AgentError(str(error.get("code", "3003")), str(error.get("message", "The agent failed")),
                              error.get("details") if isinstance(error.get("details"), dict) else {})
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("ignoring a malformed %s message from the orchestrator: %s", kind, exc)
        return None
    logger.debug("ignoring an orchestrator message of type %s", kind)
    return None
