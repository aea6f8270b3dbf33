from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    avatar_url: str | None
    language: str
    timezone: str
    notification_preferences: dict[str, Any]
    gifted_credits: Decimal
    purchased_credits: Decimal
    status: str
    created_at: datetime
    last_login_at: datetime | None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=255)
    language: Literal["en", "zh"] | None = None
    timezone: str | None = Field(default=None, max_length=64)
    notification_preferences: dict[str, Any] | None = None

    @field_validator("display_name")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank")
        return value.strip() if value else value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is not None and value not in available_timezones():
            raise ValueError("unknown IANA time zone")
        return value


class DeletionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm_email: str = Field(min_length=3, max_length=255, description="The account's email, typed to confirm")


class ExportPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    progress: int = Field(ge=0, le=100, description="How far the export job is, in percent (100 once ready)")
    created_at: datetime
    completed_at: datetime | None
    expires_at: datetime | None
    download_url: str | None = None
