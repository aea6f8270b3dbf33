"""Campaigns: drafts, edits and status changes here, mirrored to the ad platform by a job.

Every modification is saved locally with `sync_status = pending` and a `campaigns.sync` job is
enqueued after commit; the job pushes the change to the platform and records synced/failed
(Property 22). Campaigns of an account whose authorization broke keep their local state but
their automated operations pause until the account is reconnected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.common.paging import page_total
from backend.ad_accounts import service as ad_accounts
from backend.audit.service import AuditAction, RequestContext, record
from backend.credits.amounts import parse_amount
from backend.creatives import service as creatives
from backend.errors import AppError, Conflict, InvalidAmount, NotFound, ValidationFailed
from backend.integrations.ad_platforms import (
    CampaignChanges,
    CampaignSpec,
    CampaignState,
    PlatformAuthError,
    PlatformError,
    PlatformTransientError,
    get_platform,
)
from backend.jobs.enqueue import enqueue_after_commit
from backend.models import AdAccountStatus, BudgetType, Campaign, CampaignStatus, LandingPage, SyncStatus

SYNC_ACTOR = "campaigns.sync"


class Objective(StrEnum):
    AWARENESS = "awareness"
    TRAFFIC = "traffic"
    ENGAGEMENT = "engagement"
    LEADS = "leads"
    APP_PROMOTION = "app_promotion"
    SALES = "sales"


ALLOWED_TRANSITIONS = {
    CampaignStatus.DRAFT: {CampaignStatus.ACTIVE, CampaignStatus.PAUSED, CampaignStatus.DELETED},
    CampaignStatus.ACTIVE: {CampaignStatus.PAUSED, CampaignStatus.DELETED},
    CampaignStatus.PAUSED: {CampaignStatus.ACTIVE, CampaignStatus.DELETED},
    CampaignStatus.DELETED: set(),
}
MAX_BUDGET = Decimal("1000000")
TARGETING_KEYS = {"countries", "age_min", "age_max", "genders", "interests", "languages", "placements"}


@dataclass(frozen=True)
class CampaignData:
    ad_account_id: int
    name: str
    objective: str
    budget: Any
    budget_type: str = BudgetType.DAILY
    targeting: dict[str, Any] = field(default_factory=dict)
    creative_ids: list[int] = field(default_factory=list)
    landing_page_id: int | None = None


@dataclass(frozen=True)
class CampaignEdit:
    name: str | None = None
    objective: str | None = None
    budget: Any = None
    budget_type: str | None = None
    targeting: dict[str, Any] | None = None
    creative_ids: list[int] | None = None
    landing_page_id: int | None = None
    clear_landing_page: bool = False


# --- reading ---------------------------------------------------------------------------------


def list_campaigns(
    session: Session, user_id: int, *, status: str | None = None, ad_account_id: int | None = None,
    search: str | None = None, include_deleted: bool = False, limit: int = 20, offset: int = 0,
) -> tuple[list[Campaign], int]:
    conditions = [Campaign.user_id == user_id]
    if status:
        conditions.append(Campaign.status == status)
    elif not include_deleted:
        conditions.append(Campaign.status != CampaignStatus.DELETED)
    if ad_account_id is not None:
        conditions.append(Campaign.ad_account_id == ad_account_id)
    if search:
        conditions.append(col(Campaign.name).contains(search.strip(), autoescape=True))
    rows = session.exec(select(Campaign).where(*conditions).order_by(col(Campaign.id).desc()).limit(limit)
                        .offset(offset)).all()
    total = page_total(len(rows), limit=limit, offset=offset,
                       count=lambda: session.exec(select(func.count()).select_from(Campaign).where(*conditions)).one())
    return list(rows), total


def get_owned_or_raise(session: Session, user_id: int, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.user_id != user_id:
        raise NotFound("Campaign not found", details={"campaign_id": campaign_id})
    return campaign


# --- changing --------------------------------------------------------------------------------


def create(session: Session, *, user_id: int, data: CampaignData, context: RequestContext | None = None) -> Campaign:
    account = ad_accounts.get_owned_or_raise(session, user_id, data.ad_account_id)
    campaign = Campaign(
        user_id=user_id, ad_account_id=account.id, platform=account.platform, name=_name(data.name),
        objective=_objective(data.objective), budget=_budget(data.budget), budget_type=_budget_type(data.budget_type),
        targeting=_targeting(data.targeting), creative_ids=_creatives(session, user_id, data.creative_ids),
        landing_page_id=_landing_page(session, user_id, data.landing_page_id),
        status=CampaignStatus.DRAFT, sync_status=SyncStatus.PENDING,
        automation_paused=account.status != AdAccountStatus.ACTIVE,
    )
    session.add(campaign)
    session.flush()
    enqueue_after_commit(session, SYNC_ACTOR, campaign.id)
    return campaign


def update(session: Session, *, user_id: int, campaign_id: int, edit: CampaignEdit) -> Campaign:
    campaign = get_owned_or_raise(session, user_id, campaign_id)
    if campaign.status == CampaignStatus.DELETED:
        raise Conflict("A deleted campaign cannot be edited", details={"campaign_id": campaign_id})
    if edit.name is not None:
        campaign.name = _name(edit.name)
    if edit.objective is not None:
        campaign.objective = _objective(edit.objective)
    if edit.budget is not None:
        campaign.budget = _budget(edit.budget)
    if edit.budget_type is not None:
        campaign.budget_type = _budget_type(edit.budget_type)
    if edit.targeting is not None:
        campaign.targeting = _targeting(edit.targeting)
    if edit.creative_ids is not None:
        campaign.creative_ids = _creatives(session, user_id, edit.creative_ids)
    if edit.clear_landing_page:
        campaign.landing_page_id = None
    elif edit.landing_page_id is not None:
        campaign.landing_page_id = _landing_page(session, user_id, edit.landing_page_id)
    campaign.sync_status = SyncStatus.PENDING
    session.add(campaign)
    session.flush()
    enqueue_after_commit(session, SYNC_ACTOR, campaign.id)
    return campaign


def set_status(
    session: Session, *, user_id: int, campaign_id: int, status: str, context: RequestContext | None = None
) -> Campaign:
    """Activate, pause, resume or delete; the platform follows through the sync job."""
    campaign = get_owned_or_raise(session, user_id, campaign_id)
    try:
        target = CampaignStatus(status)
    except ValueError:
        raise ValidationFailed("Unknown campaign status", details={"field": "status",
                                                                   "allowed": [s.value for s in CampaignStatus]}) from None
    if target == campaign.status:
        return campaign
    if target not in ALLOWED_TRANSITIONS[CampaignStatus(campaign.status)]:
        raise Conflict(f"A {campaign.status} campaign cannot become {target}",
                       details={"from": campaign.status, "to": target})
    if target == CampaignStatus.ACTIVE:
        account = ad_accounts.get_owned_or_raise(session, user_id, campaign.ad_account_id)
        ad_accounts.usable_access_token(account)  # 6001 when the account must be reconnected first
    previous = campaign.status
    campaign.status = target
    campaign.sync_status = SyncStatus.PENDING
    session.add(campaign)
    session.flush()
    record(session, action=AuditAction.CAMPAIGN_STATUS_CHANGED, user_id=user_id, context=context,
           details={"campaign_id": campaign.id, "from": previous, "to": target})
    enqueue_after_commit(session, SYNC_ACTOR, campaign.id)
    return campaign


def delete(session: Session, *, user_id: int, campaign_id: int, context: RequestContext | None = None) -> Campaign:
    return set_status(session, user_id=user_id, campaign_id=campaign_id, status=CampaignStatus.DELETED, context=context)


# --- platform sync (Property 22) -------------------------------------------------------------


def sync(session: Session, *, campaign_id: int) -> Campaign | None:
    """Push the campaign's local state to its platform. Transient failures raise (the job retries);
    a refused token marks the account; other refusals are recorded on the campaign."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    account = ad_accounts.get_owned_or_raise(session, campaign.user_id, campaign.ad_account_id)
    try:
        token = ad_accounts.usable_access_token(account)
        platform = get_platform(account.platform)
        state = _platform_state(campaign)
        if campaign.platform_campaign_id is None:
            if campaign.status == CampaignStatus.DELETED:
                campaign.sync_status = SyncStatus.SYNCED  # never reached the platform: nothing to remove
                return campaign
            result = platform.create_campaign(token, account.platform_account_id, CampaignSpec(
                name=campaign.name, objective=campaign.objective, budget=campaign.budget,
                budget_type=campaign.budget_type, currency=account.currency, status=state))
            campaign.platform_campaign_id = result.platform_campaign_id
        else:
            platform.update_campaign(token, campaign.platform_campaign_id, CampaignChanges(
                name=campaign.name, budget=campaign.budget, budget_type=campaign.budget_type,
                currency=account.currency, status=state))
    except PlatformTransientError:
        raise
    except PlatformAuthError as exc:
        ad_accounts.mark_token_failed(session, account=account, error=exc.message)
        _sync_failed(campaign, exc)
    except (PlatformError, AppError) as exc:
        _sync_failed(campaign, exc)
    else:
        campaign.sync_status = SyncStatus.SYNCED
        campaign.sync_error = None
    session.add(campaign)
    session.flush()
    return campaign


def _platform_state(campaign: Campaign) -> CampaignState:
    return {CampaignStatus.ACTIVE: CampaignState.ACTIVE, CampaignStatus.DELETED: CampaignState.DELETED}.get(
        CampaignStatus(campaign.status), CampaignState.PAUSED)


def _sync_failed(campaign: Campaign, exc: AppError) -> None:
    campaign.sync_status = SyncStatus.FAILED
    campaign.sync_error = f"{exc.code}: {exc.message}"[:2000]


# --- validation ------------------------------------------------------------------------------


def _name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name or len(name) > 255:
        raise ValidationFailed("The campaign name is required (at most 255 characters)", details={"field": "name"})
    return name


def _objective(value: str) -> str:
    try:
        return Objective(value).value
    except ValueError:
        raise ValidationFailed("Unknown objective", details={"field": "objective",
                                                             "allowed": [o.value for o in Objective]}) from None


def _budget(value: Any) -> Decimal:
    try:
        budget = parse_amount(value, field="budget")
    except InvalidAmount as exc:
        raise ValidationFailed("The budget must be a positive amount with at most 2 decimals",
                               details={"field": "budget", **exc.details}) from None
    if budget > MAX_BUDGET:
        raise ValidationFailed("The budget is too large", details={"field": "budget", "max": str(MAX_BUDGET)})
    return budget


def _budget_type(value: str) -> str:
    try:
        return BudgetType(value).value
    except ValueError:
        raise ValidationFailed("The budget type is daily or lifetime", details={"field": "budget_type"}) from None


def _targeting(value: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationFailed("Targeting must be an object", details={"field": "targeting"})
    unknown = set(value) - TARGETING_KEYS
    if unknown:
        raise ValidationFailed("Unknown targeting fields", details={"field": "targeting", "unknown": sorted(unknown),
                                                                     "allowed": sorted(TARGETING_KEYS)})
    age_min, age_max = value.get("age_min", 18), value.get("age_max", 65)
    if not (isinstance(age_min, int) and isinstance(age_max, int) and 13 <= age_min <= age_max <= 65):
        raise ValidationFailed("Ages must be whole numbers with 13 ≤ age_min ≤ age_max ≤ 65",
                               details={"field": "targeting.age_min"})
    countries = value.get("countries", [])
    if not isinstance(countries, list) or not all(isinstance(c, str) and len(c) == 2 and c.isalpha() for c in countries):
        raise ValidationFailed("Countries are two-letter codes", details={"field": "targeting.countries"})
    return {**value, "countries": [c.upper() for c in countries]} if countries else dict(value)


def _creatives(session: Session, user_id: int, ids: list[int]) -> list[int]:
    unique = list(dict.fromkeys(ids))
    missing = set(unique) - creatives.owned_ids(session, user_id, unique)
    if missing:
        raise ValidationFailed("Unknown creatives", details={"field": "creative_ids", "missing": sorted(missing)})
    return unique


def _landing_page(session: Session, user_id: int, page_id: int | None) -> int | None:
    if page_id is None:
        return None
    page = session.get(LandingPage, page_id)
    if page is None or page.user_id != user_id:
        raise ValidationFailed("Unknown landing page", details={"field": "landing_page_id"})
    return page.id
