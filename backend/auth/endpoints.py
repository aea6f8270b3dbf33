"""/api/v1/auth: dev login, token refresh, logout, and the current session."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Body, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from backend.common.routing import api_router
from backend.auth import service as auth_service
from backend.auth.cookies import REFRESH_COOKIE, clear_session_cookies, set_session_cookies
from backend.auth.dependencies import CurrentUser, RequestContextDep
from backend.config import get_settings
from backend.db import unit_of_work
from backend.errors import DevLoginDisabled, Unauthorized
from backend.users import service as users

router = api_router(prefix="/api/v1/auth", tags=["auth"])

# Deliberately loose: the dev login accepts local addresses such as demo@aae.local.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"
LOGIN_PATH = "/login"


class RefreshBody(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=512)


def require_dev_login() -> None:
    if not get_settings().dev_login_allowed:
        raise DevLoginDisabled()


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: anything else (//evil, https://evil, \\evil) becomes "/"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


@router.post(
    "/dev-login",
    status_code=303,
    response_class=RedirectResponse,
    dependencies=[Depends(require_dev_login)],
    summary="Sign in without a provider (development only)",
)
def dev_login(
    email: Annotated[str, Form(max_length=255, pattern=EMAIL_PATTERN)],
    context: RequestContextDep,
    display_name: Annotated[str, Form(max_length=255)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    email = email.strip().lower()
    with unit_of_work() as session:
        user = users.sign_in(
            session, provider="dev", subject=email, email=email,
            display_name=display_name.strip(), context=context,
        ).user
        tokens = auth_service.issue_tokens(session, user_id=user.id, context=context)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookies(response, tokens)
    return response


@router.post("/refresh", summary="Exchange a refresh token for a new token pair")
def refresh(
    request: Request,
    context: RequestContextDep,
    body: Annotated[RefreshBody | None, Body()] = None,
) -> Response:
    """Browsers send the refresh cookie and get new cookies; API clients send and get tokens in JSON."""
    from_cookie = body is None
    token = request.cookies.get(REFRESH_COOKIE) if from_cookie else body.refresh_token
    failure: Unauthorized | None = None
    with unit_of_work() as session:
        try:
            tokens = auth_service.rotate_refresh_token(session, refresh_token=token, context=context)
        except Unauthorized as exc:
            failure = exc  # leave the block normally so a reuse's family revocation commits
    if failure is not None:
        response: Response = JSONResponse(
            failure.to_envelope(getattr(request.state, "request_id", None)), status_code=failure.http_status
        )
        if from_cookie:
            clear_session_cookies(response)
        return response
    data: dict[str, object] = {
        "user_id": tokens.user_id,
        "token_type": "bearer",
        "expires_in": tokens.access_expires_in,
    }
    if not from_cookie:
        data |= {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}
    response = JSONResponse({"status": "success", "data": data})
    if from_cookie:
        set_session_cookies(response, tokens)
    return response


@router.post("/logout", summary="End the session (revokes the refresh-token family)")
def logout(
    request: Request,
    context: RequestContextDep,
    body: Annotated[RefreshBody | None, Body()] = None,
) -> Response:
    token = body.refresh_token if body is not None else request.cookies.get(REFRESH_COOKIE)
    with unit_of_work() as session:
        auth_service.revoke_refresh_token(session, refresh_token=token, context=context)
    response: Response
    if _is_form_post(request):
        response = RedirectResponse(LOGIN_PATH, status_code=303)
    else:
        response = JSONResponse({"status": "success", "data": {"signed_out": True}})
    clear_session_cookies(response)
    return response


@router.get("/session", summary="Who the presented access token belongs to")
def current_session(user: CurrentUser) -> dict[str, object]:
    return {
        "status": "success",
        "data": {"user_id": user.id, "email": user.email, "display_name": user.display_name},
    }


def _is_form_post(request: Request) -> bool:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}
