from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import StrictBool, StrictInt, BaseModel, ConfigDict, Field


class AdAccountPublic(BaseModel):
    """Never carries tokens, encrypted or not."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    platform: str
    platform_account_id: str
    account_name: str
    currency: str
    status: str
    is_active: bool
    needs_attention: bool
    last_error: str | None
    token_expires_at: datetime | None
    last_synced_at: datetime | None
    created_at: datetime


class AdAccountBind(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: Literal["sandbox", "meta", "tiktok", "google"]


class BindStart(BaseModel):
    authorize_url: str


class AdAccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_name: str | None = Field(default=None, min_length=1, max_length=255)
    is_active: StrictBool | None = None


class RefreshResult(BaseModel):
    account: AdAccountPublic
    refreshed: bool
    error: str | None = None
