from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column
from sqlmodel import Field, SQLModel

from backend.models.base import (
    fk_field,
    id_field,
    json_field,
    money_field,
    str_field,
    text_field,
    time_field,
    updated_at_field,
)


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


class BudgetType(StrEnum):
    DAILY = "daily"
    LIFETIME = "lifetime"


class SyncStatus(StrEnum):
    PENDING = "pending"
    SYNCED = "synced"
    FAILED = "failed"


class Campaign(SQLModel, table=True):
    __tablename__ = "campaigns"

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    ad_account_id: int = fk_field("ad_accounts.id")
    platform: str = str_field(20)
    platform_campaign_id: str | None = str_field(128, default=None, nullable=True)
    name: str = str_field(255)
    objective: str = str_field(50)
    status: str = str_field(20, default=CampaignStatus.DRAFT)
    budget: Decimal = money_field(default=None)
    budget_type: str = str_field(20, default=BudgetType.DAILY)
    targeting: dict[str, Any] = json_field()
    creative_ids: list[int] = json_field(default_factory=list)
    landing_page_id: int | None = fk_field("landing_pages.id", nullable=True, ondelete="SET NULL")
    sync_status: str = str_field(20, default=SyncStatus.PENDING)
    sync_error: str | None = text_field()
    # Automated operations stop while the ad account's authorization is broken.
    automation_paused: bool = Field(default=False, sa_column=Column(Boolean(), nullable=False))
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = updated_at_field()
