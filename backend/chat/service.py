"""Chat history: conversations, messages, tool-call cards and media, per user.

Each turn stores two rows in `chat_messages`: the user's message and the assistant's answer
(created as `streaming`, completed when the turn ends) with its tool-call cards and media.
Media keep only their storage object key; every load signs a fresh URL (the design's video
persistence, on our storage), so a reload or another device always gets a working link.
Services take the session first and never commit.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, func, select, update

from backend.audit.service import AuditAction, RequestContext, record
from backend.chat import billing
from backend.chat.events import ConversationSummary, MediaView, MessageStatus, MessageView, ToolCallView
from backend.errors import AppError, NotFound, ValidationFailed
from backend.integrations.storage import BucketKind, Storage, check_key, get_storage
from backend.models import ChatMessage, ChatRole, Creative

logger = logging.getLogger(__name__)

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9-]{1,36}$")
MAX_TEXT_CHARS = 8000
MEDIA_URL_TTL = 3600
RESULT_CHARS = 8000  # a tool result kept in the history (and replayed to the model) is cut here
TITLE_CHARS = 80
AUDIT_ARGUMENT_CHARS = 2000
_CARD_FIELDS = {f.name for f in fields(ToolCallView)}


def new_conversation_id() -> str:
    return str(uuid.uuid4())


def check_conversation_id(value: str) -> str:
    if not isinstance(value, str) or not CONVERSATION_ID.match(value):
        raise ValidationFailed("conversation_id must be 1-36 letters, digits or dashes",
                               details={"field": "conversation_id"})
    return value


def check_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed("The message is empty", details={"field": "text"})
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed(f"The message is longer than {MAX_TEXT_CHARS} characters",
                               details={"field": "text", "max_length": MAX_TEXT_CHARS})
    return text.strip()


# --- reading ---------------------------------------------------------------------------------


def latest_conversation_id(session: Session, user_id: int) -> str | None:
    return session.exec(select(ChatMessage.conversation_id).where(ChatMessage.user_id == user_id)
                        .order_by(col(ChatMessage.id).desc()).limit(1)).first()


def list_conversations(session: Session, user_id: int, *, limit: int = 20) -> list[ConversationSummary]:
    """The user's conversations, most recently active first, titled by their first message."""
    grouped = session.exec(
        select(ChatMessage.conversation_id, func.min(ChatMessage.id), func.max(ChatMessage.id), func.count())
        .where(ChatMessage.user_id == user_id).group_by(ChatMessage.conversation_id)
        .order_by(func.max(ChatMessage.id).desc()).limit(limit)
    ).all()
    ids = [first for _, first, _, _ in grouped] + [last for _, _, last, _ in grouped]
    rows = {m.id: m for m in session.exec(select(ChatMessage).where(col(ChatMessage.id).in_(ids)))} if ids else {}
    out = []
    for conversation_id, first, last, count in grouped:
        title = " ".join(rows[first].content.split())
        out.append(ConversationSummary(conversation_id, title[:TITLE_CHARS], int(count),
                                       rows[last].created_at.isoformat()))
    return out


def load_history(
    session: Session, user_id: int, conversation_id: str, *, limit: int = 100, storage: Storage | None = None
) -> list[MessageView]:
    """The last `limit` messages of a conversation, oldest first, media with fresh signed URLs."""
    check_conversation_id(conversation_id)
    rows = session.exec(
        select(ChatMessage).where(ChatMessage.user_id == user_id, ChatMessage.conversation_id == conversation_id)
        .order_by(col(ChatMessage.id).desc()).limit(max(1, min(limit, 500)))
    ).all()
    storage = storage or get_storage()
    return [message_view(row, storage=storage) for row in reversed(rows)]


def get_owned_or_raise(session: Session, user_id: int, message_id: int) -> ChatMessage:
    message = session.get(ChatMessage, message_id)
    if message is None or message.user_id != user_id:
        raise NotFound("Message not found", details={"message_id": message_id})
    return message


def message_view(row: ChatMessage, *, storage: Storage | None = None) -> MessageView:
    storage = storage or get_storage()
    assert row.id is not None
    return MessageView(
        id=row.id, conversation_id=row.conversation_id, role=row.role, content=row.content, status=row.status,
        created_at=row.created_at.isoformat(), credits_charged=str(row.credits_charged),
        tool_calls=[ToolCallView(**{k: v for k, v in card.items() if k in _CARD_FIELDS}) for card in row.tool_calls],
        media=[media_view(item, storage=storage) for item in row.media],
    )


def media_view(item: dict[str, Any], *, storage: Storage | None = None) -> MediaView:
    """A stored media item with a URL signed now (None if the storage cannot sign it)."""
    try:
        url: str | None = (storage or get_storage()).presigned_get(BucketKind.CREATIVES, item["key"],
                                                                  expires=MEDIA_URL_TTL)
    except AppError as exc:
        logger.warning("could not sign chat media %s: %s", item.get("key"), exc.message)
        url = None
    return MediaView(kind=item["kind"], key=item["key"], url=url, mime_type=item.get("mime_type"),
                     caption=item.get("caption"))


def agent_history(session: Session, user_id: int, conversation_id: str, *, limit: int = 40) -> list[dict[str, Any]]:
    """Earlier turns as OpenAI-style messages: user text; the assistant's tool calls, one `tool`
    message per call with its stored result, then the assistant's text."""
    rows = session.exec(
        select(ChatMessage).where(ChatMessage.user_id == user_id, ChatMessage.conversation_id == conversation_id,
                                  ChatMessage.status != MessageStatus.STREAMING)
        .order_by(col(ChatMessage.id).desc()).limit(limit)
    ).all()
    messages: list[dict[str, Any]] = []
    for row in reversed(rows):
        if row.role == ChatRole.USER:
            messages.append({"role": "user", "content": row.content})
            continue
        if row.role != ChatRole.ASSISTANT:
            continue
        cards = [c for c in row.tool_calls if c.get("status") in ("succeeded", "failed", "rejected")]
        if cards:
            messages.append({"role": "assistant", "content": None, "tool_calls": [
                {"id": c["id"], "type": "function", "function": {
                    "name": c["name"], "arguments": json.dumps(c.get("arguments") or {}, ensure_ascii=False)}}
                for c in cards]})
            messages.extend({"role": "tool", "tool_call_id": c["id"], "content": _replay(c)} for c in cards)
        if row.content:
            messages.append({"role": "assistant", "content": row.content})
    if messages and messages[0]["role"] == "tool":  # the window cut a call from its results
        messages = messages[1:]
    return messages


def _replay(card: dict[str, Any]) -> str:
    if card.get("status") == "succeeded":
        return json.dumps({"status": "success", "data": card.get("result")}, ensure_ascii=False, default=str)
    return json.dumps({"status": "error", "error": card.get("error") or {}}, ensure_ascii=False, default=str)


# --- writing ---------------------------------------------------------------------------------


def start_turn(session: Session, *, user_id: int, conversation_id: str, text: str) -> tuple[ChatMessage, ChatMessage]:
    """The user's message and the assistant's (still streaming) answer."""
    user_row = ChatMessage(user_id=user_id, conversation_id=conversation_id, role=ChatRole.USER, content=text,
                           status=MessageStatus.COMPLETE)
    session.add(user_row)
    session.flush()
    assistant_row = ChatMessage(user_id=user_id, conversation_id=conversation_id, role=ChatRole.ASSISTANT,
                                content="", status=MessageStatus.STREAMING)
    session.add(assistant_row)
    session.flush()
    return user_row, assistant_row


def finish_turn(
    session: Session, *, user_id: int, message_id: int, content: str, status: MessageStatus,
    tool_calls: list[dict[str, Any]], media: list[dict[str, Any]], credits_charged: Decimal,
) -> ChatMessage:
    message = get_owned_or_raise(session, user_id, message_id)
    message.content = content
    message.status = status
    message.tool_calls = tool_calls
    message.media = media
    message.credits_charged = credits_charged
    session.add(message)
    session.flush()
    return message


def recover_interrupted_turns(session: Session, *, older_than: datetime) -> int:
    """Mark answers still `streaming` since before `older_than` as `error` (their process died)
    and refund those turns' credit holds. For a periodic job; returns the answers closed."""
    billing.release_abandoned_holds(session, older_than=older_than)
    result = session.execute(
        update(ChatMessage)
        .where(col(ChatMessage.status) == MessageStatus.STREAMING, col(ChatMessage.created_at) < older_than)
        .values(status=MessageStatus.ERROR)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def stored_card(card: ToolCallView, result: Any) -> dict[str, Any]:
    """A card as kept in the history, with its result (cut to RESULT_CHARS of JSON)."""
    return {**card.to_dict(), "result": cut(result, RESULT_CHARS)}


def cut(data: Any, limit: int) -> Any:
    """JSON-able `data`, or a truncated preview of it when its JSON is longer than `limit`."""
    if data is None:
        return None
    data = to_jsonable_python(data)
    text = json.dumps(data, ensure_ascii=False, default=str)
    return data if len(text) <= limit else {"truncated": True, "preview": text[:limit]}


def resolve_media(
    session: Session, *, user_id: int, kind: str, key: str | None = None, creative_id: int | None = None,
    mime_type: str | None = None, caption: str | None = None,
) -> dict[str, Any] | None:
    """The media item to store, or None when it is not the user's: a key must lie under the
    user's creatives prefix (`creatives/<user_id>/`), a creative must be theirs."""
    if creative_id is not None:
        creative = session.get(Creative, creative_id)
        if creative is None or creative.user_id != user_id:
            return None
        key, mime_type = creative.storage_key, mime_type or creative.mime_type
    if not key or kind not in ("image", "video"):
        return None
    try:
        check_key(key)
    except AppError:
        return None
    if not key.startswith(f"{BucketKind.CREATIVES.value}/{user_id}/"):
        return None
    return {"kind": kind, "key": key, "mime_type": mime_type, "caption": (caption or None) and caption[:500]}


def record_tool_decision(
    session: Session, *, user_id: int, approved: bool, card: ToolCallView, conversation_id: str, turn_id: str,
    context: RequestContext | None = None,
) -> None:
    """The audit entry of a proposed tool call: approved (with how it ran) or rejected."""
    record(session, action=AuditAction.TOOL_APPROVED if approved else AuditAction.TOOL_REJECTED,
           user_id=user_id, context=context,
           details={"tool": card.name, "call_id": card.id, "arguments": cut(card.arguments, AUDIT_ARGUMENT_CHARS),
                    "conversation_id": conversation_id, "turn_id": turn_id, "status": str(card.status),
                    "credits_charged": card.credits_charged, "error": card.error})
