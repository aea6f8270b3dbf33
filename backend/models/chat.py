from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Index
from sqlmodel import SQLModel

from backend.models.base import fk_field, id_field, json_field, money_field, str_field, text_field, time_field


class ChatRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"
    SYSTEM = "system"


class ChatMessage(SQLModel, table=True):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_user_conversation", "user_id", "conversation_id", "id"),)

    id: int | None = id_field()
    user_id: int = fk_field("users.id", index=False)
    conversation_id: str = str_field(36)
    role: str = str_field(20)
    content: str = text_field(nullable=False, long=True, default="")
    tool_calls: list[dict[str, Any]] = json_field(default_factory=list)
    # Generated media keep their storage object key; URLs are signed afresh on every load.
    media: list[dict[str, Any]] = json_field(default_factory=list)
    status: str = str_field(20, default="complete")
    credits_charged: Decimal = money_field()
    created_at: datetime = time_field(nullable=False, default_now=True)
