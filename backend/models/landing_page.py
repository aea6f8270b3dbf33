from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import SQLModel

from backend.models.base import fk_field, id_field, str_field, text_field, time_field, updated_at_field


class LandingPageStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class LandingPage(SQLModel, table=True):
    __tablename__ = "landing_pages"

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    name: str = str_field(255)
    url: str = str_field(1024, default="")  # public (CDN) URL once published
    s3_key: str = str_field(512, default="")
    product_url: str = str_field(1024)
    template: str = str_field(32, default="modern")
    language: str = str_field(10, default="en")
    html_content: str | None = text_field(long=True)
    status: str = str_field(20, default=LandingPageStatus.DRAFT)
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = updated_at_field()
    published_at: datetime | None = time_field()
