from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel

from backend.models.base import fk_field, id_field, json_field, str_field, text_field, time_field


class JobFailure(SQLModel, table=True):
    """A job that failed after its last retry (Property 32)."""

    __tablename__ = "job_failures"

    id: int | None = id_field()
    actor_name: str = str_field(128, index=True)
    message_id: str = str_field(64, unique=True)
    user_id: int | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    args: list[Any] = json_field(default_factory=list)
    error: str = text_field(nullable=False, default="")
    retries: int = Field(default=0, sa_column=Column(Integer(), nullable=False))
    created_at: datetime = time_field(nullable=False, default_now=True)
