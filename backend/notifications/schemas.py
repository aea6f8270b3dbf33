"""Notification shapes for the REST layer, MCP tools and Reflex state.

`NotificationPreferences` is the documented shape of `users.notification_preferences`
(docs/jobs.md, "Notification preferences"):

    {
      "email_enabled": true,                         # master switch for non-urgent email
      "email_categories": {"campaigns": false, ...}  # per category; missing → default by type
    }

Urgent notifications ignore all of it: they always go in-app and by email (Property 26).
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from backend.models import NotificationType

logger = logging.getLogger(__name__)


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"


class NotificationCategory(StrEnum):
    """The categories the platform sends. The column takes any string up to 64 characters."""

    CREDITS = "credits"
    BILLING = "billing"
    AD_ACCOUNTS = "ad_accounts"
    CAMPAIGNS = "campaigns"
    REPORTS = "reports"
    CREATIVES = "creatives"
    LANDING_PAGES = "landing_pages"
    PRIVACY = "privacy"
    JOBS = "jobs"
    SYSTEM = "system"
    # Optimization ideas from the AI agent; the dashboard lists the unread ones.
    SUGGESTIONS = "suggestions"


# Email for a non-urgent notification whose category the user has not set: important yes, general no.
EMAIL_DEFAULT_BY_TYPE: dict[str, bool] = {NotificationType.IMPORTANT: True, NotificationType.GENERAL: False}


class NotificationPreferences(BaseModel):
    """What a user chose for non-urgent email. In-app delivery is always on."""

    model_config = ConfigDict(extra="ignore")

    email_enabled: bool = True
    email_categories: dict[str, bool] = Field(default_factory=dict)

    @classmethod
    def from_stored(cls, value: Any) -> NotificationPreferences:
        """Read the JSON column leniently: anything malformed falls back to the defaults."""
        if not isinstance(value, dict):
            return cls()
        try:
            return cls.model_validate(value)
        except ValidationError:
            logger.warning("malformed notification_preferences %r; using defaults", value)
            return cls()

    def wants_email(self, type_: str, category: str) -> bool:
        if type_ == NotificationType.URGENT:
            return True
        if not self.email_enabled:
            return False
        if category in self.email_categories:
            return self.email_categories[category]
        return EMAIL_DEFAULT_BY_TYPE.get(type_, False)


class NotificationPreferencesUpdate(BaseModel):
    """PATCH body: only the given fields change; `email_categories` entries are merged."""

    model_config = ConfigDict(extra="forbid")

    email_enabled: bool | None = None
    email_categories: dict[str, bool] | None = None


class NotificationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: int
    type: NotificationType
    category: str
    title: str
    message: str
    action_url: str | None = None
    action_text: str | None = None
    is_read: bool
    read_at: datetime | None = None
    sent_via: list[str] = Field(default_factory=list)
    # The ORM attribute is `meta` (SQLAlchemy reserves `metadata`); the API says `metadata`.
    metadata: dict[str, Any] = Field(default_factory=dict, validation_alias=AliasChoices("meta", "metadata"))
    created_at: datetime


class NotificationList(BaseModel):
    items: list[NotificationPublic]
    total: int
    unread_count: int
    limit: int
    offset: int


class UnreadCount(BaseModel):
    unread_count: int


class MarkAllReadResult(BaseModel):
    updated: int
