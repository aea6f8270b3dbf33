from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import SQLModel

from backend.models.base import fk_field, id_field, json_field, str_field, time_field


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_user_created", "user_id", "created_at"),)

    id: int | None = id_field()
    # Kept after the user is gone: the trail of a deletion must outlive the account.
    user_id: int | None = fk_field("users.id", nullable=True, ondelete="SET NULL", index=False)
    action: str = str_field(64, index=True)
    ip: str | None = str_field(64, default=None, nullable=True)
    user_agent: str | None = str_field(512, default=None, nullable=True)
    details: dict[str, Any] = json_field()
    created_at: datetime = time_field(nullable=False, default_now=True)
