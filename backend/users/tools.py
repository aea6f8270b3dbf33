"""MCP tools of the users domain."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from backend.mcp.registry import ToolParams, tool
from backend.users import service as users
from backend.users.schemas import UserPublic


class NoParams(ToolParams):
    pass


@tool("get_user_profile", "The user's profile: name, email, language, time zone, notification preferences "
      "and credit balances.", NoParams, read_only=True, title="Get user profile")
def get_user_profile(session: Session, user_id: int, params: NoParams) -> dict[str, Any]:
    return UserPublic.model_validate(users.get_or_raise(session, user_id)).model_dump(mode="json")
