from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.base import fk_field, id_field, str_field, text_field, time_field, updated_at_field


class Platform(StrEnum):
    SANDBOX = "sandbox"
    META = "meta"
    TIKTOK = "tiktok"
    GOOGLE = "google"


class AdAccountStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class AdAccount(SQLModel, table=True):
    __tablename__ = "ad_accounts"
    __table_args__ = (UniqueConstraint("user_id", "platform", "platform_account_id"),)

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    platform: str = str_field(20)
    platform_account_id: str = str_field(128)
    account_name: str = str_field(255)
    currency: str = str_field(3, default="USD")
    access_token_encrypted: str = text_field(nullable=False)
    refresh_token_encrypted: str | None = text_field()
    token_expires_at: datetime | None = time_field(index=True)
    status: str = str_field(20, default=AdAccountStatus.ACTIVE)
    is_active: bool = Field(default=False, sa_column=Column(Boolean(), nullable=False))
    # Set when a token refresh failed: the UI shows a reconnect banner until it is cleared.
    needs_attention: bool = Field(default=False, sa_column=Column(Boolean(), nullable=False))
    last_error: str | None = text_field()
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = updated_at_field()
    last_synced_at: datetime | None = time_field()
