from __future__ import annotations

from datetime import datetime

from sqlmodel import SQLModel

from backend.models.base import fk_field, id_field, str_field, time_field


class RefreshToken(SQLModel, table=True):
    """A refresh token, stored as a SHA-256 hash; rotation keeps the family id."""

    __tablename__ = "refresh_tokens"

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    family_id: str = str_field(36, index=True)
    token_hash: str = str_field(64, unique=True)
    expires_at: datetime = time_field(nullable=False)
    created_at: datetime = time_field(nullable=False, default_now=True)
    used_at: datetime | None = time_field()
    revoked_at: datetime | None = time_field()
    ip: str | None = str_field(64, default=None, nullable=True)
    user_agent: str | None = str_field(512, default=None, nullable=True)


class ApiToken(SQLModel, table=True):
    """A personal token an MCP client presents; only its hash is kept."""

    __tablename__ = "api_tokens"

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    name: str = str_field(100)
    token_prefix: str = str_field(16)
    token_hash: str = str_field(64, unique=True)
    created_at: datetime = time_field(nullable=False, default_now=True)
    last_used_at: datetime | None = time_field()
    revoked_at: datetime | None = time_field()
