from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import StrictBool, StrictInt, BaseModel, ConfigDict, Field, HttpUrl


class CreativePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    file_type: str
    mime_type: str
    file_size: int
    file_url: str
    cdn_url: str
    product_url: str | None
    style: str | None
    score: float | None
    tags: list[str]
    status: str
    created_at: datetime
    view_url: str | None = None


class CreativePage(BaseModel):
    items: list[CreativePublic]
    total: int
    limit: int
    offset: int


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=255)
    content_type: Literal["image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/quicktime",
                          "video/webm"]
    size: StrictInt = Field(gt=0, le=10 * 1024 * 1024 * 1024)


class UploadTicket(BaseModel):
    creative_id: int
    method: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime


class CreativeCreate(BaseModel):
    """Confirm an upload made with an upload ticket: the server checks the real bytes."""

    model_config = ConfigDict(extra="forbid")

    creative_id: StrictInt = Field(gt=0, le=2**63 - 1)
    name: str | None = Field(default=None, max_length=255)
    product_url: HttpUrl | None = None
    style: str | None = Field(default=None, max_length=64)
    tags: list[str] = Field(default_factory=list, max_length=20)
    score: float | None = Field(default=None, ge=0, le=100)


class CreativeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    product_url: HttpUrl | None = None
    style: str | None = Field(default=None, max_length=64)
    tags: list[str] | None = Field(default=None, max_length=20)
    score: float | None = Field(default=None, ge=0, le=100)
