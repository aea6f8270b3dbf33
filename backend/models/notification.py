from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, Index
from sqlmodel import Field, SQLModel

from backend.models.base import fk_field, id_field, json_field, str_field, text_field, time_field


class NotificationType(StrEnum):
    URGENT = "urgent"
    IMPORTANT = "important"
    GENERAL = "general"


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read_created", "user_id", "is_read", "created_at"),)

    id: int | None = id_field()
    user_id: int = fk_field("users.id", index=False)
    type: str = str_field(20)
    category: str = str_field(64)
    title: str = str_field(255)
    message: str = text_field(nullable=False)
    action_url: str | None = str_field(1024, default=None, nullable=True)
    action_text: str | None = str_field(100, default=None, nullable=True)
    is_read: bool = Field(default=False, sa_column=Column(Boolean(), nullable=False))
    read_at: datetime | None = time_field()
    sent_via: list[str] = json_field(default_factory=list)
    # `metadata` is reserved by SQLAlchemy's declarative base; the column keeps the design's name.
    meta: dict[str, Any] = json_field(name="metadata")
    created_at: datetime = time_field(nullable=False, default_now=True)


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class EmailOutbox(SQLModel, table=True):
    """Every email the platform sends; the console backend only records it here."""

    __tablename__ = "email_outbox"

    id: int | None = id_field()
    user_id: int | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    to_address: str = str_field(255)
    subject: str = str_field(255)
    body: str = text_field(nullable=False)
    body_html: str | None = text_field(long=True)
    status: str = str_field(20, default=EmailStatus.QUEUED)
    error: str | None = text_field()
    created_at: datetime = time_field(nullable=False, default_now=True)
    sent_at: datetime | None = time_field()
