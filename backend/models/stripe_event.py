from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import SQLModel

from backend.models.base import id_field, json_field, str_field, text_field, time_field


class StripeEventStatus(StrEnum):
    RECEIVED = "received"
    HANDLED = "handled"
    IGNORED = "ignored"
    FAILED = "failed"


class StripeEvent(SQLModel, table=True):
    """Each webhook event stored under its unique id before it is handled."""

    __tablename__ = "stripe_events"

    id: int | None = id_field()
    event_id: str = str_field(255, unique=True)
    type: str = str_field(100)
    status: str = str_field(20, default=StripeEventStatus.RECEIVED)
    payload: dict[str, Any] = json_field()
    error: str | None = text_field()
    created_at: datetime = time_field(nullable=False, default_now=True)
    handled_at: datetime | None = time_field()
