from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import StrictBool, StrictInt, BaseModel, ConfigDict, Field

Objective = Literal["awareness", "traffic", "engagement", "leads", "app_promotion", "sales"]
Money = Decimal


class CampaignPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ad_account_id: int
    platform: str
    platform_campaign_id: str | None
    name: str
    objective: str
    status: str
    sync_status: str
    sync_error: str | None
    budget: Decimal
    budget_type: str
    targeting: dict[str, Any]
    creative_ids: list[int]
    landing_page_id: int | None
    automation_paused: bool
    created_at: datetime
    updated_at: datetime


class CampaignPage(BaseModel):
    items: list[CampaignPublic]
    total: int
    limit: int
    offset: int


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ad_account_id: StrictInt = Field(gt=0, le=2**63 - 1)
    name: str = Field(min_length=1, max_length=255)
    objective: Objective
    budget: Decimal = Field(gt=0, le=Decimal("1000000"), decimal_places=2)
    budget_type: Literal["daily", "lifetime"] = "daily"
    targeting: dict[str, Any] = Field(default_factory=dict)
    creative_ids: list[Annotated[StrictInt, Field(gt=0, le=2**63 - 1)]] = Field(default_factory=list, max_length=50)
    landing_page_id: StrictInt | None = Field(default=None, gt=0, le=2**63 - 1)


class CampaignUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=255)
    objective: Objective | None = None
    budget: Decimal | None = Field(default=None, gt=0, le=Decimal("1000000"), decimal_places=2)
    budget_type: Literal["daily", "lifetime"] | None = None
    targeting: dict[str, Any] | None = None
    creative_ids: list[Annotated[StrictInt, Field(gt=0, le=2**63 - 1)]] | None = Field(default=None, max_length=50)
    landing_page_id: StrictInt | None = Field(default=None, gt=0, le=2**63 - 1)
    status: Literal["active", "paused"] | None = Field(default=None, description="activate, pause or resume")
