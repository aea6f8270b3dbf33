"""/api/v1/ad-accounts: list, bind through the platform's OAuth, get, update, unbind, refresh."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import RedirectResponse

from backend.common.routing import api_router
from backend.common.deps import ResourceId
from backend.ad_accounts import service as ad_accounts
from backend.ad_accounts.schemas import AdAccountBind, AdAccountPublic, AdAccountUpdate, BindStart, RefreshResult
from backend.ad_accounts.service import AccountChanges
from backend.auth.dependencies import RequestContextDep, SessionDep
from backend.common.deps import ApiUser
from backend.common.schemas import Deleted, Ok
from backend.config import get_settings
from backend.errors import AppError

router = api_router(prefix="/api/v1/ad-accounts", tags=["ad accounts"])
CALLBACK_PATH = "/api/v1/ad-accounts/oauth/callback"


def callback_url() -> str:
    return get_settings().public_url.rstrip("/") + CALLBACK_PATH


@router.get("", response_model=Ok[list[AdAccountPublic]])
def list_accounts(session: SessionDep, user: ApiUser) -> Ok[list[AdAccountPublic]]:
    return Ok(data=[AdAccountPublic.model_validate(a) for a in ad_accounts.list_accounts(session, user.id)])


@router.post("", response_model=Ok[BindStart])
def bind(body: AdAccountBind, user: ApiUser) -> Ok[BindStart]:
    """Start binding: open `authorize_url`; the platform returns to the callback below."""
    url = ad_accounts.start_bind(user_id=user.id, platform=body.platform, redirect_uri=callback_url())
    return Ok(data=BindStart(authorize_url=url))


@router.get("/oauth/callback", response_class=RedirectResponse, status_code=303, include_in_schema=False)
def oauth_callback(
    session: SessionDep, user: ApiUser, context: RequestContextDep,
    code: Annotated[str | None, Query(max_length=2048)] = None,
    state: Annotated[str, Query(max_length=2048)] = "",
    error: Annotated[str | None, Query(max_length=256)] = None,
) -> RedirectResponse:
    """The platform's redirect: bind, then back to the settings page with the outcome."""
    if error or not code:
        return RedirectResponse("/settings?bind=cancelled", status_code=303)
    try:
        bound = ad_accounts.complete_bind(session, user_id=user.id, code=code, state=state,
                                          redirect_uri=callback_url(), context=context)
    except AppError as exc:
        return RedirectResponse(f"/settings?bind=failed&code={exc.code}", status_code=303)
    return RedirectResponse(f"/settings?bind=ok&count={len(bound)}", status_code=303)


@router.get("/{account_id:int}", response_model=Ok[AdAccountPublic])
def get_account(account_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[AdAccountPublic]:
    return Ok(data=AdAccountPublic.model_validate(ad_accounts.get_owned_or_raise(session, user.id, account_id)))


@router.put("/{account_id:int}", response_model=Ok[AdAccountPublic])
def update_account(account_id: ResourceId, body: AdAccountUpdate, session: SessionDep, user: ApiUser) -> Ok[AdAccountPublic]:
    account = ad_accounts.update(session, user_id=user.id, account_id=account_id,
                                 changes=AccountChanges(**body.model_dump(exclude_unset=True)))
    return Ok(data=AdAccountPublic.model_validate(account))


@router.delete("/{account_id:int}", response_model=Ok[Deleted])
def unbind(account_id: ResourceId, session: SessionDep, user: ApiUser, context: RequestContextDep) -> Ok[Deleted]:
    ad_accounts.unbind(session, user_id=user.id, account_id=account_id, context=context)
    return Ok(data=Deleted(id=account_id))


@router.post("/{account_id:int}/refresh", response_model=Ok[RefreshResult])
def refresh(account_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[RefreshResult]:
    account = ad_accounts.get_owned_or_raise(session, user.id, account_id)
    outcome = ad_accounts.refresh_tokens(session, account=account)
    return Ok(data=RefreshResult(account=AdAccountPublic.model_validate(outcome.account),
                                 refreshed=outcome.refreshed, error=outcome.error))
