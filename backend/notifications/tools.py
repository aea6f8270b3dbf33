"""MCP tools of the notifications domain."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlmodel import Session

from backend.mcp.registry import ToolParams, tool
from backend.models import NotificationType
from backend.notifications import service as notifications
from backend.notifications.schemas import NotificationCategory, NotificationPublic


class CreateNotificationParams(ToolParams):
    type: NotificationType = Field(default=NotificationType.GENERAL,
                                   description="urgent always goes by email too; the others per the user's choice")
    category: NotificationCategory = NotificationCategory.SYSTEM
    title: str = Field(min_length=1, max_length=255)
    message: str = Field(min_length=1, max_length=5000)
    action_url: str | None = Field(default=None, max_length=1024, pattern=r"^(/|https://)",
                                   description="An in-app path (/campaigns) or an https URL")
    action_text: str | None = Field(default=None, max_length=100)
    metadata: dict[str, Any] = Field(default_factory=dict)


@tool("create_notification", "Send the user a notification in the app (and by email when it is urgent or the "
      "user's preferences ask for it).", CreateNotificationParams, title="Create notification")
def create_notification(session: Session, user_id: int, params: CreateNotificationParams) -> dict[str, Any]:
    notification = notifications.create_notification(
        session, user_id=user_id, type=params.type, category=params.category, title=params.title,
        message=params.message, action_url=params.action_url, action_text=params.action_text,
        metadata={**params.metadata, "source": "mcp"})
    return NotificationPublic.model_validate(notification).model_dump(mode="json")
