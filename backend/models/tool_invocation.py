from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.base import fk_field, id_field, money_field, str_field, time_field, updated_at_field


class InvocationStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ToolInvocation(SQLModel, table=True):
    """One MCP tool call under an operation id: the idempotency record and its first result.

    A second call with the same (user, operation id) replays `result` instead of running again.
    """

    __tablename__ = "tool_invocations"
    __table_args__ = (UniqueConstraint("user_id", "operation_id"),)

    id: int | None = id_field()
    user_id: int = fk_field("users.id", index=False)
    operation_id: str = str_field(128)
    tool: str = str_field(64)
    # SHA-256 of the tool name and its validated params: a reused id with other params is refused.
    request_hash: str = str_field(64)
    status: str = str_field(20, default=InvocationStatus.RUNNING)
    attempts: int = Field(default=1, sa_column=Column(Integer(), nullable=False))
    result: Any = Field(default=None, sa_column=Column(JSON(), nullable=True))
    error: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(), nullable=True))
    credits_charged: Decimal = money_field()
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = updated_at_field()
    completed_at: datetime | None = time_field()
