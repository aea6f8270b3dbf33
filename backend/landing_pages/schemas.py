from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LandingPagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str
    product_url: str
    template: str
    language: str
    status: str
    html_content: str | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class LandingPageSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str
    product_url: str
    template: str
    language: str
    status: str
    updated_at: datetime
    published_at: datetime | None


class LandingPagePage(BaseModel):
    items: list[LandingPageSummary]
    total: int
    limit: int
    offset: int


class LandingPageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    product_url: str = Field(min_length=1, max_length=1024)
    template: Literal["modern", "minimal", "bold"] = "modern"
    language: Literal["en", "zh"] = "en"
    html_content: str | None = Field(default=None, max_length=2 * 1024 * 1024)
    headline: str | None = Field(default=None, max_length=200)


class LandingPageUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    product_url: str | None = Field(default=None, min_length=1, max_length=1024)
    template: Literal["modern", "minimal", "bold"] | None = None
    language: Literal["en", "zh"] | None = None
    html_content: str | None = Field(default=None, max_length=2 * 1024 * 1024)
    status: Literal["draft", "archived"] | None = Field(default=None, description="archive or restore")
