"""Google sign-in: OpenID Connect with authlib (discovery, authorization code + PKCE S256,
`state` and `nonce` checked by authlib).

Served as a small Starlette sub-app under /api/v1/auth/oauth so its SessionMiddleware (which
authlib needs for state, nonce and the PKCE verifier) wraps only these two routes, never
Reflex's traffic.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from backend.audit.service import AuditAction, RequestContext, record
from backend.auth import service as auth_service
from backend.auth.cookies import set_session_cookies
from backend.auth.endpoints import safe_next
from backend.config import Settings, get_settings
from backend.db import unit_of_work
from backend.users import service as users

logger = logging.getLogger(__name__)

PREFIX = "/api/v1/auth/oauth"
START_PATH = "/google"
CALLBACK_PATH = "/google/callback"
LOGIN_PATH = "/login"


def _oauth(settings: Settings) -> OAuth:
    oauth = OAuth()
    oauth.register(
        name="google",
        client_id=settings.google_client_id,
        client_secret=settings.google_client_secret,
        server_metadata_url=settings.google_metadata_url,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    return oauth


def _context(request: Request) -> RequestContext:
    return RequestContext(ip=request.client.host if request.client else None,
                          user_agent=request.headers.get("user-agent"))


def _login_error(reason: str) -> RedirectResponse:
    return RedirectResponse(f"{LOGIN_PATH}?error={quote(reason)}", status_code=303)


async def start(request: Request) -> RedirectResponse:
    settings = get_settings()
    if not settings.google_login_enabled:
        return _login_error("google_not_configured")
    request.session["next"] = safe_next(request.query_params.get("next"))
    redirect_uri = settings.public_url.rstrip("/") + PREFIX + CALLBACK_PATH
    return await request.app.state.oauth.google.authorize_redirect(request, redirect_uri)


async def callback(request: Request) -> RedirectResponse:
    """Create or find the user (Property 1), start a session, and go where they were headed."""
    settings = get_settings()
    if not settings.google_login_enabled:
        return _login_error("google_not_configured")
    if request.query_params.get("error"):
        return _login_error(request.query_params["error"][:64])
    try:
        token = await request.app.state.oauth.google.authorize_access_token(request)
    except OAuthError as exc:
        logger.warning("google sign-in refused: %s", exc.error)
        with unit_of_work() as session:
            record(session, action=AuditAction.LOGIN_FAILED, user_id=None, context=_context(request),
                   details={"provider": "google", "error": str(exc.error)[:200]})
        return _login_error("google_refused")
    claims = token.get("userinfo") or {}
    email, subject = claims.get("email"), claims.get("sub")
    if not email or not subject or claims.get("email_verified") is False:
        return _login_error("google_email_unverified")
    context = _context(request)
    with unit_of_work() as session:
        user = users.sign_in(session, provider="google", subject=str(subject), email=email,
                             display_name=claims.get("name") or email.split("@")[0],
                             avatar_url=claims.get("picture"), context=context).user
        tokens = auth_service.issue_tokens(session, user_id=user.id, context=context)
    response = RedirectResponse(request.session.pop("next", "/"), status_code=303)
    set_session_cookies(response, tokens)
    return response


def create_google_app() -> Starlette:
    settings = get_settings()
    app = Starlette(
        routes=[Route(START_PATH, start, methods=["GET"]), Route(CALLBACK_PATH, callback, methods=["GET"])],
        middleware=[Middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="aae_oauth",
                               max_age=600, same_site="lax", https_only=settings.secure_cookies,
                               path=PREFIX)],
    )
    app.state.oauth = _oauth(settings)
    return app
