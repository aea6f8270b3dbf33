"""What the chat shows: message, tool-call card and media views, and the events of a turn.

Every view and event has `to_dict()` giving plain JSON (the /ws/chat messages are exactly these
dicts; the Reflex state keeps them as typed rows). Events of one turn arrive in this order:

    turn_started → (text | tool_call | media | status | error)* → final

`tool_call` is sent again whenever a card changes (proposed → awaiting_approval → running →
succeeded | failed | rejected); the card's `id` identifies it. `final` is always last and
carries the saved assistant message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from backend.integrations.agents.base import AgentStatus


class MessageStatus(StrEnum):
    STREAMING = "streaming"
    COMPLETE = "complete"
    STOPPED = "stopped"
    ERROR = "error"


class ToolStatus(StrEnum):
    PROPOSED = "proposed"
    AWAITING_APPROVAL = "awaiting_approval"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REJECTED = "rejected"


@dataclass
class MediaView:
    kind: str  # image | video
    key: str  # the storage object key (kept in the history)
    url: str | None  # a fresh signed URL (never stored)
    mime_type: str | None = None
    caption: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ToolCallView:
    """A tool-call card: what the agent asked for, whether it waits for approval, how it went."""

    id: str
    name: str
    title: str
    arguments: dict[str, Any]
    status: str = ToolStatus.PROPOSED
    requires_approval: bool = False
    summary: str = ""  # in English; see backend.chat.policy
    credits_charged: str = "0.00"
    error: dict[str, Any] | None = None  # {"code", "type", "message"}
    # The template the summary came from ("" when none) and its values, for a UI that shows it in
    # the user's language (backend.chat.policy.SUMMARY_TEMPLATES).
    summary_key: str = ""
    summary_params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": str(self.status)}


@dataclass
class MessageView:
    id: int
    conversation_id: str
    role: str
    content: str
    status: str
    created_at: str  # ISO 8601, UTC
    credits_charged: str = "0.00"
    tool_calls: list[ToolCallView] = field(default_factory=list)
    media: list[MediaView] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "tool_calls": [c.to_dict() for c in self.tool_calls],
                "media": [m.to_dict() for m in self.media]}


@dataclass
class ConversationSummary:
    id: str
    title: str
    message_count: int
    last_message_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- events of a turn -----------------------------------------------------------------------


@dataclass
class StatusChanged:
    """The agent link's state (connecting, connected, reconnecting n/3, failed, closed)."""

    type: ClassVar[str] = "status"
    status: AgentStatus

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "status": self.status.to_dict()}


@dataclass
class TurnStarted:
    type: ClassVar[str] = "turn_started"
    turn_id: str
    conversation_id: str
    user_message: MessageView
    assistant_message_id: int

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "turn_id": self.turn_id, "conversation_id": self.conversation_id,
                "user_message": self.user_message.to_dict(), "assistant_message_id": self.assistant_message_id}


@dataclass
class TextAdded:
    type: ClassVar[str] = "text"
    turn_id: str
    delta: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "turn_id": self.turn_id, "delta": self.delta}


@dataclass
class ToolCallUpdated:
    type: ClassVar[str] = "tool_call"
    turn_id: str
    call: ToolCallView

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "turn_id": self.turn_id, "call": self.call.to_dict()}


@dataclass
class MediaAdded:
    type: ClassVar[str] = "media"
    turn_id: str
    media: MediaView

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "turn_id": self.turn_id, "media": self.media.to_dict()}


@dataclass
class TurnError:
    """The agent failed (2000, 2003, 2004, 2005, 3003...); `final` follows with status error."""

    type: ClassVar[str] = "error"
    turn_id: str | None
    error: dict[str, Any]  # {"code", "type", "message", "details"}

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "turn_id": self.turn_id, "error": self.error}


@dataclass
class TurnFinished:
    type: ClassVar[str] = "final"
    turn_id: str
    message: MessageView

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "turn_id": self.turn_id, "message": self.message.to_dict()}


ChatEvent = StatusChanged | TurnStarted | TextAdded | ToolCallUpdated | MediaAdded | TurnError | TurnFinished
