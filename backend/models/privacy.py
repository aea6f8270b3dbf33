from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Integer, text
from sqlmodel import Field, SQLModel

from backend.models.base import fk_field, id_field, str_field, text_field, time_field


class ExportStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"


class DataExport(SQLModel, table=True):
    __tablename__ = "data_exports"

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    status: str = str_field(20, default=ExportStatus.PENDING)
    # 0-100 while the job goes through the categories; committed as it goes, so the user sees it.
    progress: int = Field(default=0, sa_column=Column(Integer(), nullable=False, server_default=text("0")))
    storage_key: str | None = str_field(512, default=None, nullable=True)
    # When the download link expires (24 h after the export is ready); null until then.
    expires_at: datetime | None = time_field(index=True)
    # While the export is pending/running: until when its run holds it (renewed at each progress
    # step); once passed, the stuck-export sweeper enqueues the job again. Null otherwise.
    lease_expires_at: datetime | None = time_field()
    error: str | None = text_field()
    created_at: datetime = time_field(nullable=False, default_now=True)
    completed_at: datetime | None = time_field()
