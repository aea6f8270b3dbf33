"""/api/v1/campaigns: CRUD and status changes, mirrored to the platform by the sync job."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from backend.common.routing import api_router
from backend.common.deps import ResourceId
from backend.auth.dependencies import RequestContextDep, SessionDep
from backend.campaigns import service as campaigns
from backend.campaigns.schemas import CampaignCreate, CampaignPage, CampaignPublic, CampaignUpdate
from backend.campaigns.service import CampaignData, CampaignEdit
from backend.common.deps import ApiUser, Limit, Offset
from backend.common.schemas import Deleted, Ok

router = api_router(prefix="/api/v1/campaigns", tags=["campaigns"])


@router.get("", response_model=Ok[CampaignPage])
def list_campaigns(
    session: SessionDep, user: ApiUser, limit: Limit = 20, offset: Offset = 0,
    status: Literal["draft", "active", "paused", "deleted"] | None = None,
    ad_account_id: Annotated[int | None, Query(gt=0)] = None,
    search: Annotated[str | None, Query(max_length=100)] = None,
) -> Ok[CampaignPage]:
    rows, total = campaigns.list_campaigns(session, user.id, status=status, ad_account_id=ad_account_id,
                                           search=search, limit=limit, offset=offset)
    return Ok(data=CampaignPage(items=[CampaignPublic.model_validate(r) for r in rows], total=total, limit=limit,
                                offset=offset))


@router.post("", response_model=Ok[CampaignPublic], status_code=201)
def create(body: CampaignCreate, session: SessionDep, user: ApiUser, context: RequestContextDep) -> Ok[CampaignPublic]:
    campaign = campaigns.create(session, user_id=user.id, data=CampaignData(**body.model_dump()), context=context)
    return Ok(data=CampaignPublic.model_validate(campaign))


@router.get("/{campaign_id:int}", response_model=Ok[CampaignPublic])
def get(campaign_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[CampaignPublic]:
    return Ok(data=CampaignPublic.model_validate(campaigns.get_owned_or_raise(session, user.id, campaign_id)))


@router.put("/{campaign_id:int}", response_model=Ok[CampaignPublic])
def update(campaign_id: ResourceId, body: CampaignUpdate, session: SessionDep, user: ApiUser,
           context: RequestContextDep) -> Ok[CampaignPublic]:
    values = body.model_dump(exclude_unset=True)
    status = values.pop("status", None)
    if "landing_page_id" in values and values["landing_page_id"] is None:
        values["clear_landing_page"] = True
    campaign = campaigns.get_owned_or_raise(session, user.id, campaign_id)
    if values:
        campaign = campaigns.update(session, user_id=user.id, campaign_id=campaign_id, edit=CampaignEdit(**values))
    if status:
        campaign = campaigns.set_status(session, user_id=user.id, campaign_id=campaign_id, status=status,
                                        context=context)
    return Ok(data=CampaignPublic.model_validate(campaign))


@router.delete("/{campaign_id:int}", response_model=Ok[Deleted])
def delete(campaign_id: ResourceId, session: SessionDep, user: ApiUser, context: RequestContextDep) -> Ok[Deleted]:
    campaigns.delete(session, user_id=user.id, campaign_id=campaign_id, context=context)
    return Ok(data=Deleted(id=campaign_id))
