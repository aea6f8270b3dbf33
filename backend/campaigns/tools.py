"""MCP tools of the campaigns domain. Changes are saved here and pushed to the platform by a job."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field
from sqlmodel import Session

from backend.campaigns import service as campaigns
from backend.campaigns.schemas import CampaignCreate, CampaignPublic, Objective
from backend.campaigns.service import CampaignData, CampaignEdit
from backend.mcp.registry import ToolParams, tool


def _public(campaign: Any) -> dict[str, Any]:
    return CampaignPublic.model_validate(campaign).model_dump(mode="json")


class ListCampaignsParams(ToolParams):
    status: Literal["draft", "active", "paused", "deleted"] | None = None
    ad_account_id: int | None = Field(default=None, gt=0)
    search: str | None = Field(default=None, max_length=100, description="In the campaign name")
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


@tool("list_campaigns", "The user's campaigns with status, budget, targeting, creatives and platform sync state.",
      ListCampaignsParams, read_only=True, title="List campaigns")
def list_campaigns(session: Session, user_id: int, params: ListCampaignsParams) -> dict[str, Any]:
    rows, total = campaigns.list_campaigns(session, user_id, status=params.status, ad_account_id=params.ad_account_id,
                                           search=params.search, limit=params.limit, offset=params.offset)
    return {"items": [_public(r) for r in rows], "total": total, "limit": params.limit, "offset": params.offset}


class CreateCampaignParams(CampaignCreate, ToolParams):
    pass


@tool("create_campaign", "Create a draft campaign on one of the user's ad accounts (objective, budget, targeting, "
      "creatives, landing page); it is then created on the platform.", CreateCampaignParams,
      title="Create campaign")
def create_campaign(session: Session, user_id: int, params: CreateCampaignParams) -> dict[str, Any]:
    return _public(campaigns.create(session, user_id=user_id, data=CampaignData(**params.model_dump())))


class UpdateCampaignParams(ToolParams):
    campaign_id: int = Field(gt=0)
    name: str | None = Field(default=None, min_length=1, max_length=255)
    objective: Objective | None = None
    budget: Decimal | None = Field(default=None, gt=0, le=Decimal("1000000"), decimal_places=2)
    budget_type: Literal["daily", "lifetime"] | None = None
    targeting: dict[str, Any] | None = None
    creative_ids: list[int] | None = Field(default=None, max_length=50)
    landing_page_id: int | None = Field(default=None, gt=0, description="null removes the landing page")
    status: Literal["active", "paused"] | None = Field(default=None, description="Activate or pause as well")


@tool("update_campaign", "Edit a campaign's name, objective, budget, targeting, creatives or landing page, and "
      "optionally activate or pause it.", UpdateCampaignParams, idempotent=True, title="Update campaign")
def update_campaign(session: Session, user_id: int, params: UpdateCampaignParams) -> dict[str, Any]:
    values = params.model_dump(exclude={"campaign_id"}, exclude_unset=True)
    status = values.pop("status", None)
    if "landing_page_id" in values and values["landing_page_id"] is None:
        values["clear_landing_page"] = True
    campaign = campaigns.get_owned_or_raise(session, user_id, params.campaign_id)
    if values:
        campaign = campaigns.update(session, user_id=user_id, campaign_id=params.campaign_id,
                                    edit=CampaignEdit(**values))
    if status:
        campaign = campaigns.set_status(session, user_id=user_id, campaign_id=params.campaign_id, status=status)
    return _public(campaign)


class PauseCampaignParams(ToolParams):
    campaign_id: int = Field(gt=0)


@tool("pause_campaign", "Pause a campaign (its ads stop delivering until it is activated again).",
      PauseCampaignParams, idempotent=True, title="Pause campaign")
def pause_campaign(session: Session, user_id: int, params: PauseCampaignParams) -> dict[str, Any]:
    return _public(campaigns.set_status(session, user_id=user_id, campaign_id=params.campaign_id, status="paused"))
