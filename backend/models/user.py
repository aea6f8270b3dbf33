from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import SQLModel

from backend.models.base import (
    id_field,
    json_field,
    money_field,
    str_field,
    time_field,
    updated_at_field,
)


class UserStatus(StrEnum):
    ACTIVE = "active"
    DELETING = "deleting"


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("oauth_provider", "oauth_id"),)

    id: int | None = id_field()
    email: str = str_field(255, unique=True)
    display_name: str = str_field(255)
    avatar_url: str | None = str_field(512, default=None, nullable=True)
    oauth_provider: str = str_field(50, default="google")
    oauth_id: str = str_field(255)
    gifted_credits: Decimal = money_field()
    purchased_credits: Decimal = money_field()
    # Credits taken back (refund/dispute) that the balance could not cover; paid off first.
    credit_debt: Decimal = money_field()
    language: str = str_field(10, default="en")
    timezone: str = str_field(64, default="UTC")
    notification_preferences: dict[str, Any] = json_field()
    status: str = str_field(20, default=UserStatus.ACTIVE)
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = updated_at_field()
    last_login_at: datetime | None = time_field()

    @property
    def balance(self) -> Decimal:
        return self.gifted_credits + self.purchased_credits
