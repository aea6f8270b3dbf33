"""The AI chat drawer: connection status, history, a streaming reply, tool-call approvals.

The drawer mounts its body while `ShellState.chat_open` is true; mounting fires `open_chat`,
which connects this tab's chat session (`backend.chat.sessions`, keyed by the client token:
Property 13), loads the latest conversation once and starts `watch_connection`, a background
task that mirrors the agent link's status until the session closes.

`send_text` is a background event: it starts a turn and applies each event of the turn under
its own `async with self:` so every text delta reaches the browser at once (REFLEX_NOTES §5).
The reply being written lives in the `live_*` vars (a delta only carries the new text); `final`
moves the saved answer into `messages`.

State holds typed rows only (`ChatRow`, `ToolCard`, `MediaItem`): no ORM objects, no tokens.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import datetime
from typing import Any

import reflex as rx

from aae_app import i18n
from aae_app.i18n import register
from aae_app.i18n.tools import SUMMARY_PREFIX, SUMMARY_STATUS_PREFIX, TOOL_ARG_PREFIX
from aae_app.state.auth import AuthState, error_toast, format_time
from backend.chat import flow, service
from backend.chat.sessions import sessions
from backend.db import unit_of_work
from backend.errors import AppError

register({
    "chat.status.connecting": ("Connecting…", "连接中…"),
    "chat.status.connected": ("Connected", "已连接"),
    "chat.status.reconnecting": ("Reconnecting…", "正在重连…"),
    "chat.status.failed": ("Disconnected", "连接失败"),
    "chat.status.closed": ("Offline", "离线"),
    "chat.placeholder": ("Ask about your balance, campaigns, creatives…", "问问余额、广告活动、素材…"),
    "chat.send": ("Send", "发送"),
    "chat.stop": ("Stop", "停止"),
    "chat.new": ("New conversation", "新对话"),
    "chat.welcome": ("How can I help today?", "今天需要什么帮助？"),
    "chat.welcome_hint": ("I can check your credits and results, list and pause campaigns, draft landing pages "
                          "and find creatives. Anything that spends or changes something waits for your OK.",
                          "我可以查询积分和投放效果、列出或暂停广告活动、起草落地页、查找素材。"
                          "任何花费或更改操作都会先征得您的同意。"),
    "chat.suggest.balance": ("What is my balance?", "我的余额是多少？"),
    "chat.suggest.performance": ("How did my campaigns do today?", "今天的表现如何？"),
    "chat.suggest.campaigns": ("List my campaigns", "列出我的广告活动"),
    "chat.you": ("You", "您"),
    "chat.assistant": ("Assistant", "助手"),
    "chat.thinking": ("Thinking…", "思考中…"),
    "chat.stopped": ("Stopped", "已停止"),
    "chat.approve": ("Approve", "批准"),
    "chat.reject": ("Reject", "拒绝"),
    "chat.rejected_by_user": ("Rejected in the chat", "已在对话中拒绝"),
    "chat.credits": ("credits", "积分"),
    "chat.no_longer_waiting": ("This action is no longer waiting for approval", "该操作已不在等待批准"),
    "chat.tool.proposed": ("Proposed", "已提议"),
    "chat.tool.awaiting_approval": ("Needs your approval", "等待您批准"),
    "chat.tool.running": ("Running", "执行中"),
    "chat.tool.succeeded": ("Done", "已完成"),
    "chat.tool.failed": ("Failed", "失败"),
    "chat.tool.rejected": ("Rejected", "已拒绝"),
})

STATUS_COLORS = {"connected": "green", "connecting": "amber", "reconnecting": "amber", "failed": "red",
                 "closed": "gray"}
TOOL_COLORS = {"proposed": "gray", "awaiting_approval": "amber", "running": "blue", "succeeded": "green",
               "failed": "red", "rejected": "gray"}


def _arguments_text(arguments: dict[str, Any] | None, language: str | None = None) -> str:
    """`name: value, …`; the names in `language` (aae_app/i18n/tools.py), as they are without one."""
    parts = []
    for key, value in (arguments or {}).items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        label = key
        if language is not None and TOOL_ARG_PREFIX + key in i18n.TABLE:
            label = i18n.translate(TOOL_ARG_PREFIX + key, language)
        parts.append(f"{label}: {shown}")
    return ", ".join(parts)


def _localized_arguments(arguments: dict[str, Any] | None) -> dict[str, str]:
    """The arguments' text in each UI language (the card picks the user's, so a language switch
    applies at once)."""
    if not arguments:
        return {}
    return {language: _arguments_text(arguments, language) for language in i18n.LANGUAGES}


def _localized_summary(card: dict[str, Any]) -> dict[str, str]:
    """The card's summary in each UI language, from its template (`summary_key`, `summary_params`;
    see backend.chat.policy); {} when it has none, and the card shows its English `summary`."""
    key = str(card.get("summary_key") or "")
    params = card.get("summary_params")
    if not key or SUMMARY_PREFIX + key not in i18n.TABLE or not isinstance(params, dict):
        return {}
    out: dict[str, str] = {}
    for language in i18n.LANGUAGES:
        values = {name: str(value) for name, value in params.items()}
        status = values.get("status")
        if status is not None and SUMMARY_STATUS_PREFIX + status in i18n.TABLE:
            values["status"] = i18n.translate(SUMMARY_STATUS_PREFIX + status, language)
        try:
            out[language] = i18n.translate(SUMMARY_PREFIX + key, language).format(**values)
        except (KeyError, IndexError, ValueError):  # a template this card's values do not fill
            return {}
    return out


@dataclasses.dataclass
class ToolCard:
    id: str = ""
    name: str = ""
    title: str = ""
    arguments: str = ""
    status: str = "proposed"
    requires_approval: bool = False
    summary: str = ""  # in English, as the backend wrote it
    credits: str = "0.00"
    charged: bool = False
    error: str = ""
    color: str = "gray"
    # language → text, shown in the user's language; empty: show `arguments` / `summary`.
    localized_arguments: dict[str, str] = dataclasses.field(default_factory=dict)
    localized_summary: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, card: dict[str, Any]) -> ToolCard:
        error = card.get("error") or {}
        credits = str(card.get("credits_charged") or "0.00")
        status = str(card.get("status") or "proposed")
        return cls(id=str(card.get("id") or ""), name=str(card.get("name") or ""),
                   title=str(card.get("title") or card.get("name") or ""),
                   arguments=_arguments_text(card.get("arguments")), status=status,
                   requires_approval=bool(card.get("requires_approval")), summary=str(card.get("summary") or ""),
                   credits=credits, charged=_positive(credits),
                   error=f"{error.get('message', '')} · {error.get('code', '')}" if error else "",
                   color=TOOL_COLORS.get(status, "gray"),
                   localized_arguments=_localized_arguments(card.get("arguments")),
                   localized_summary=_localized_summary(card))


@dataclasses.dataclass
class MediaItem:
    kind: str = "image"
    url: str = ""
    caption: str = ""

    @classmethod
    def of(cls, media: dict[str, Any]) -> MediaItem:
        return cls(kind=str(media.get("kind") or "image"), url=str(media.get("url") or ""),
                   caption=str(media.get("caption") or ""))


@dataclasses.dataclass
class ChatRow:
    id: int = 0
    role: str = "assistant"
    content: str = ""
    status: str = "complete"
    time: str = ""
    credits: str = "0.00"
    charged: bool = False
    tool_calls: list[ToolCard] = dataclasses.field(default_factory=list)
    media: list[MediaItem] = dataclasses.field(default_factory=list)

    @classmethod
    def of(cls, message: dict[str, Any], timezone: str = "UTC") -> ChatRow:
        credits = str(message.get("credits_charged") or "0.00")
        return cls(id=int(message.get("id") or 0), role=str(message.get("role") or "assistant"),
                   content=str(message.get("content") or ""), status=str(message.get("status") or "complete"),
                   time=_time(message.get("created_at"), timezone), credits=credits, charged=_positive(credits),
                   tool_calls=[ToolCard.of(c) for c in message.get("tool_calls") or []],
                   media=[MediaItem.of(m) for m in message.get("media") or [] if m.get("url")])


def _positive(amount: str) -> bool:
    try:
        return float(amount) > 0
    except ValueError:
        return False


def _time(value: Any, timezone: str) -> str:
    try:
        return format_time(datetime.fromisoformat(str(value)), timezone) if value else ""
    except ValueError:
        return ""


def _failure(error: dict[str, Any]) -> AppError:
    exc = AppError(str(error.get("message") or "") or None)
    exc.code = str(error.get("code") or AppError.code)  # type: ignore[misc]
    return exc


def _history(user_id: int, timezone: str) -> tuple[str, list[ChatRow]]:
    with unit_of_work() as db:
        conversation_id = service.latest_conversation_id(db, user_id)
        if not conversation_id:
            return "", []
        views = service.load_history(db, user_id, conversation_id)
        return conversation_id, [ChatRow.of(v.to_dict(), timezone) for v in views]


class ChatState(AuthState):
    conn_state: str = "closed"
    conversation_id: str = ""
    messages: list[ChatRow] = []
    streaming: bool = False
    turn_id: str = ""
    live_text: str = ""
    live_cards: list[ToolCard] = []
    live_media: list[MediaItem] = []
    live_error: str = ""
    _history_loaded: bool = False
    _watching: bool = False

    @rx.var
    def status_key(self) -> str:
        return f"chat.status.{self.conn_state if self.conn_state in STATUS_COLORS else 'closed'}"

    @rx.var
    def status_color(self) -> str:
        return STATUS_COLORS.get(self.conn_state, "gray")

    @rx.var
    def connected(self) -> bool:
        return self.conn_state == "connected"

    @rx.var
    def is_empty(self) -> bool:
        return not self.messages and not self.streaming

    # --- opening --------------------------------------------------------------------------

    @rx.event(background=True)
    async def open_chat(self):
        """The drawer opened: connect (Property 13), load the latest conversation once, watch the link."""
        async with self:
            user_id, token, timezone = self.user_id, self.router.session.client_token, self.timezone
            if user_id is None:
                return None
            load = not self._history_loaded
            if self.conn_state != "connected":
                self.conn_state = "connecting"
        try:
            history = await asyncio.to_thread(_history, user_id, timezone) if load else None
            session = await sessions.open(user_id, token)
        except AppError as exc:
            async with self:
                self.conn_state = "failed"
                return self.fail(exc)
        async with self:
            self.conn_state = str(session.status.to_dict()["state"])
            if history is not None and not self.streaming:
                self.conversation_id, self.messages = history
                self._history_loaded = True
            if self._watching:
                return None
            self._watching = True
        return ChatState.watch_connection

    @rx.event(background=True)
    async def watch_connection(self):
        """Mirror the agent link's status until this tab's session closes."""
        async with self:
            user_id, token = self.user_id, self.router.session.client_token
        session = sessions.get(user_id, token) if user_id is not None else None
        try:
            if session is not None:
                async for status in session.watch_status():
                    async with self:
                        self.conn_state = str(status.to_dict()["state"])
        finally:
            async with self:
                self._watching = False

    @rx.event
    def new_conversation(self):
        if self.streaming:
            return None
        self.conversation_id, self.messages = "", []
        self._clear_live()
        return None

    # --- sending ----------------------------------------------------------------------------

    @rx.event
    def send(self, form_data: dict[str, Any]):
        """The input form (Enter or the send button)."""
        text = str((form_data or {}).get("text") or "").strip()
        return ChatState.send_text(text) if text else None

    @rx.event(background=True)
    async def send_text(self, text: str):
        async with self:
            user_id, token = self.user_id, self.router.session.client_token
            if user_id is None or self.streaming or not text.strip():
                return None
            conversation_id = self.conversation_id or None
            self._clear_live()
            self.streaming = True
        try:
            session = await sessions.open(user_id, token)
            turn = await session.send(text, conversation_id=conversation_id)
        except AppError as exc:
            async with self:
                self.streaming = False
                return self.fail(exc)
        toasts = []
        async for event in turn.events():
            data = event.to_dict()
            async with self:
                failure = self._apply(data)
            if failure is not None:
                toasts.append(failure)
        async with self:
            self.streaming = False
            self.turn_id = ""
            return [AuthState.refresh_balance, *[error_toast(f, self.language) for f in toasts]]

    def _apply(self, event: dict[str, Any]) -> AppError | None:
        kind = event.get("type")
        if kind == "turn_started":
            self.turn_id = str(event["turn_id"])
            self.conversation_id = str(event["conversation_id"])
            self.messages.append(ChatRow.of(event["user_message"], self.timezone))
        elif kind == "text":
            self.live_text += str(event.get("delta") or "")
        elif kind == "tool_call":
            card = ToolCard.of(event["call"])
            cards = list(self.live_cards)
            index = next((i for i, c in enumerate(cards) if c.id == card.id), None)
            if index is None:
                cards.append(card)
            else:
                cards[index] = card
            self.live_cards = cards
        elif kind == "media":
            item = MediaItem.of(event["media"])
            if item.url:
                self.live_media = [*self.live_media, item]
        elif kind == "status":
            self.conn_state = str(event["status"]["state"])
        elif kind == "error":
            error = event.get("error") or {}
            self.live_error = f"{error.get('message', '')} · {error.get('code', '')}"
            return _failure(error)
        elif kind == "final":
            self.messages.append(ChatRow.of(event["message"], self.timezone))
            self._clear_live()
        return None

    def _clear_live(self) -> None:
        self.live_text, self.live_cards, self.live_media, self.live_error = "", [], [], ""

    # --- during a reply ---------------------------------------------------------------------

    @rx.event
    def stop(self):
        if self.user_id is not None and self.turn_id:
            flow.stop_turn(self.user_id, self.turn_id)

    @rx.event
    def approve(self, call_id: str):
        if self.user_id is None or not flow.approve_tool_call(self.user_id, call_id):
            return rx.toast.warning(self.tr("chat.no_longer_waiting"))
        return None

    @rx.event
    def reject(self, call_id: str):
        if self.user_id is None or not flow.reject_tool_call(self.user_id, call_id, self.tr("chat.rejected_by_user")):
            return rx.toast.warning(self.tr("chat.no_longer_waiting"))
        return None
