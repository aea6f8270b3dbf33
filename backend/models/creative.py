from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Float, Index
from sqlmodel import Field, SQLModel

from backend.models.base import fk_field, id_field, json_field, str_field, time_field, updated_at_field


class CreativeType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class CreativeStatus(StrEnum):
    PENDING = "pending"  # presigned upload issued, bytes not yet verified
    ACTIVE = "active"
    DELETED = "deleted"


class Creative(SQLModel, table=True):
    __tablename__ = "creatives"
    __table_args__ = (Index("ix_creatives_user_status_created", "user_id", "status", "created_at"),)

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    name: str = str_field(255, default="")
    storage_key: str = str_field(512)
    file_url: str = str_field(1024)
    cdn_url: str = str_field(1024)
    file_type: str = str_field(10)
    mime_type: str = str_field(100, default="application/octet-stream")
    file_size: int = Field(default=0, sa_column=Column(BigInteger(), nullable=False))
    product_url: str | None = str_field(1024, default=None, nullable=True)
    style: str | None = str_field(64, default=None, nullable=True)
    score: float | None = Field(default=None, sa_column=Column(Float(), nullable=True))
    tags: list[str] = json_field(default_factory=list)
    status: str = str_field(20, default=CreativeStatus.ACTIVE)
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = updated_at_field()
