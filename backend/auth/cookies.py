"""The session cookies FastAPI sets and the Reflex app reads server-side.

Both are HttpOnly and SameSite=Lax: page scripts never see them and cross-site form posts do
not carry them. The access cookie lives as long as the session (its JWT expires much sooner)
so the app can tell "needs a refresh" from "never signed in". The refresh cookie is only sent
to the auth endpoints that consume it.
"""

from __future__ import annotations

from starlette.responses import Response

from backend.auth.service import IssuedTokens
from backend.config import get_settings

ACCESS_COOKIE = "aae_access"
REFRESH_COOKIE = "aae_refresh"
ACCESS_COOKIE_PATH = "/"
REFRESH_COOKIE_PATH = "/api/v1/auth"


def set_session_cookies(response: Response, tokens: IssuedTokens) -> None:
    settings = get_settings()
    common = {"httponly": True, "samesite": "lax", "secure": settings.secure_cookies}
    response.set_cookie(
        ACCESS_COOKIE, tokens.access_token, max_age=settings.refresh_token_ttl_seconds,
        path=ACCESS_COOKIE_PATH, **common,
    )
    response.set_cookie(
        REFRESH_COOKIE, tokens.refresh_token, max_age=settings.refresh_token_ttl_seconds,
        path=REFRESH_COOKIE_PATH, **common,
    )


def clear_session_cookies(response: Response) -> None:
    settings = get_settings()
    common = {"httponly": True, "samesite": "lax", "secure": settings.secure_cookies}
    response.delete_cookie(ACCESS_COOKIE, path=ACCESS_COOKIE_PATH, **common)
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, **common)
