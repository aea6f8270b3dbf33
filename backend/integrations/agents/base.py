"""The agent interface: a conversation in, a stream of events out.

    stream = agent.run(request)            # an async generator
    event = await stream.asend(None)       # TextDelta, ToolCall, ToolResult, Media, Usage, Final, AgentError
    while True:
        reply = await platform_runs(event) if isinstance(event, ToolCall) else None
        event = await stream.asend(reply)  # StopAsyncIteration after Final / AgentError

An agent never runs a tool itself: it yields a `ToolCall` and receives the `ToolResult` as the
value of that `yield`. The platform (backend.chat.flow) decides whether the call needs the
user's approval, runs it through the one MCP execution path (auth, validation, credits) and
writes the audit entry. A `ToolResult` the agent yields on its own reports a tool that ran
elsewhere (the remote orchestrator calling /mcp directly) and is only displayed.

Agents also report the state of their link (`AgentStatus`) to listeners: the remote
orchestrator connects, loses and regains its WebSocket; the others are always "connected".
"""

from __future__ import annotations

import json
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic_core import to_jsonable_python

from backend.errors import AppError

logger = logging.getLogger(__name__)


# --- what an agent receives -----------------------------------------------------------------


@dataclass(frozen=True)
class ToolInfo:
    """A tool the agent may call in the chat (from the MCP registry, filtered by chat policy)."""

    name: str
    description: str
    parameters: dict[str, Any]
    title: str | None = None
    read_only: bool = False
    requires_approval: bool = False


@dataclass(frozen=True)
class AgentRequest:
    """One user turn. `history` holds the earlier turns as OpenAI-style messages
    (`{"role": "user"|"assistant"|"tool", "content": ..., "tool_calls"?, "tool_call_id"?}`)."""

    user_id: int
    conversation_id: str
    turn_id: str
    text: str
    history: list[dict[str, Any]] = field(default_factory=list)
    tools: list[ToolInfo] = field(default_factory=list)
    language: str = "en"
    user_name: str | None = None


# --- what an agent yields --------------------------------------------------------------------


@dataclass(frozen=True)
class TextDelta:
    type: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True)
class ToolCall:
    """A call the agent wants to make. `arguments` is None when the model sent arguments that
    are not a JSON object (`raw_arguments` keeps them); the platform answers with 3002."""

    type: ClassVar[str] = "tool_call"
    id: str
    name: str
    arguments: dict[str, Any] | None
    raw_arguments: str | None = None


REJECTED_TYPE = "TOOL_REJECTED"


@dataclass(frozen=True)
class ToolResult:
    type: ClassVar[str] = "tool_result"
    call_id: str
    name: str
    ok: bool
    data: Any = None
    error: dict[str, Any] | None = None  # {"code", "type", "message", "details"}
    credits_charged: Decimal = Decimal("0.00")
    summary: str = ""

    @property
    def rejected(self) -> bool:
        return not self.ok and (self.error or {}).get("type") == REJECTED_TYPE

    @classmethod
    def rejection(cls, call: ToolCall, reason: str | None = None) -> ToolResult:
        """The result of a call the user did not approve; the tool did not run."""
        message = "The user rejected this call" + (f": {reason}" if reason else "")
        return cls(call.id, call.name, False, error={"code": "1004", "type": REJECTED_TYPE, "message": message,
                                                     "details": {"reason": reason}})

    def content(self) -> str:
        """What a model reads back: the MCP success body or the error."""
        if self.ok:
            body: dict[str, Any] = {"status": "success", "data": self.data,
                                    "credits_charged": str(self.credits_charged)}
        else:
            body = {"status": "error", "error": self.error or {}}
        return json.dumps(to_jsonable_python(body), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Media:
    """A generated image or video in our storage: its object key (or the creative holding it).
    The platform stores the key and signs a fresh URL whenever the message is shown."""

    type: ClassVar[str] = "media"
    kind: Literal["image", "video"]
    key: str | None = None
    creative_id: int | None = None
    mime_type: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Usage:
    """Tokens one model call used; several may arrive in one turn (one per model round)."""

    type: ClassVar[str] = "usage"
    model: str
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class Final:
    type: ClassVar[str] = "final"
    finish_reason: str = "stop"


@dataclass(frozen=True)
class AgentError:
    """The agent could not finish; `code` is one of ours (2000, 2003, 2004, 2005, 3003...)."""

    type: ClassVar[str] = "error"
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, exc: AppError) -> AgentError:
        return cls(exc.code, exc.message, dict(exc.details))


AgentEvent = TextDelta | ToolCall | ToolResult | Media | Usage | Final | AgentError
AgentStream = AsyncGenerator[AgentEvent, ToolResult | None]


# --- link status ----------------------------------------------------------------------------


class ConnectionState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    CLOSED = "closed"


@dataclass(frozen=True)
class AgentStatus:
    agent: str
    state: ConnectionState
    attempt: int = 0  # the reconnect attempt under way (1..max_attempts)
    max_attempts: int = 0
    error: dict[str, Any] | None = None  # why it is reconnecting or failed: {"code", "message"}

    def to_dict(self) -> dict[str, Any]:
        return {"agent": self.agent, "state": str(self.state), "attempt": self.attempt,
                "max_attempts": self.max_attempts, "error": self.error}


StatusListener = Callable[[AgentStatus], None]


class Agent(ABC):
    """Base of the three agents; subclasses implement `run` (and `connect` when they have a link)."""

    name: ClassVar[str] = "agent"

    def __init__(self) -> None:
        self._status = AgentStatus(self.name, ConnectionState.CLOSED)
        self._listeners: list[StatusListener] = []

    @property
    def status(self) -> AgentStatus:
        return self._status

    def add_status_listener(self, listener: StatusListener) -> Callable[[], None]:
        """Call `listener` on every status change; returns the function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _set_status(self, status: AgentStatus) -> None:
        self._status = status
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:  # a broken listener must not break the link
                logger.exception("agent status listener failed")

    async def connect(self) -> AgentStatus:
        """Get ready for turns (Property 13); agents without a link are ready at once."""
        self._set_status(AgentStatus(self.name, ConnectionState.CONNECTED))
        return self._status

    async def close(self) -> None:
        self._set_status(AgentStatus(self.name, ConnectionState.CLOSED))

    async def cancel(self, turn_id: str) -> None:
        """The user stopped the turn; the platform has already stopped reading the stream."""

    @abstractmethod
    def run(self, request: AgentRequest) -> AgentStream:
        """Stream the answer to `request.text`; see the module docstring for the protocol."""


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def approx_tokens(text: str) -> int:
    """A rough token count where an agent reports none: ~4 Latin characters or 1 CJK
    character per token (used for estimates and for interrupted streams)."""
    cjk = len(_CJK.findall(text))
    return max(1, cjk + (len(text) - cjk + 3) // 4)


def error_dict(exc: AppError) -> dict[str, Any]:
    return {"code": exc.code, "type": exc.type, "message": exc.message, "details": exc.details}
