"""Who is signed in, read server-side from the HttpOnly session cookie.

The cookie arrives with the websocket handshake (`self.router.headers.cookie`); it is never
copied into a synced var, `rx.Cookie` or local storage. Because the handshake is fixed per
connection, sign-in and sign-out are full page loads handled by FastAPI.
"""

from __future__ import annotations

import json
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote

import reflex as rx

from aae_app import i18n
from aae_app.state.views import BalanceView
from backend.audit.service import RequestContext
from backend.auth import service as auth_service
from backend.auth.cookies import ACCESS_COOKIE
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import Unauthorized

LOGIN_ROUTE = "/login"
REFRESH_ENDPOINT = "/api/v1/auth/refresh"


def read_cookie(cookie_header: str | None, name: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None and morsel.value else None


def login_url(next_path: str | None) -> str:
    if not next_path or next_path.rstrip("/") in ("", LOGIN_ROUTE):
        return LOGIN_ROUTE
    return f"{LOGIN_ROUTE}?next={quote(next_path, safe='/')}"


def refresh_then_reload_script(next_path: str | None) -> str:
    """Exchange the refresh cookie for new cookies, then reload so the socket sees them."""
    fallback = json.dumps(login_url(next_path))
    return (
        f"fetch({json.dumps(REFRESH_ENDPOINT)}, {{method: 'POST', credentials: 'same-origin'}})"
        f".then((r) => r.ok ? window.location.reload() : window.location.assign({fallback}))"
        f".catch(() => window.location.assign({fallback}))"
    )


class AuthState(rx.State):
    """The signed-in user and their balance, shown by the shell on every page."""

    user_name: str = ""
    user_email: str = ""
    language: str = "en"
    balance: BalanceView = BalanceView()
    _user_id: int | None = None

    @rx.var
    def texts(self) -> dict[str, str]:
        """Every UI string in the user's language (see aae_app.i18n)."""
        return i18n.texts_for(self.language)

    @rx.var
    def signed_in(self) -> bool:
        return bool(self.user_email)

    @rx.var
    def first_name(self) -> str:
        return self.user_name.split(" ")[0] if self.user_name else ""

    @rx.var
    def initials(self) -> str:
        parts = [p for p in self.user_name.split(" ") if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    @property
    def user_id(self) -> int | None:
        return self._user_id

    def access_token(self) -> str | None:
        return read_cookie(self.router.headers.cookie, ACCESS_COOKIE)

    def request_context(self) -> RequestContext:
        return RequestContext(ip=self.router.session.client_ip or None,
                              user_agent=self.router.headers.user_agent or None)

    def load_user(self) -> bool:
        """Resolve the cookie to a user and their balance; False (and signed out) if it fails."""
        try:
            with unit_of_work() as session:
                user = auth_service.authenticate_access_token(session, self.access_token())
                balance = credits.get_balance(session, user.id)
                user_id, name, email, language = user.id, user.display_name, user.email, user.language
        except Unauthorized:
            self.sign_out_locally()
            return False
        self._user_id, self.user_name, self.user_email = user_id, name, email
        self.language = language if language in i18n.LANGUAGES else "en"
        self.balance = BalanceView.of(balance)
        return True

    def sign_out_locally(self) -> None:
        self._user_id = None
        self.user_name = ""
        self.user_email = ""
        self.balance = BalanceView()

    @rx.event
    def require_login(self):
        """on_load guard of every private page."""
        if self.load_user():
            return None
        next_path = self.router.url.path or "/"
        if self.access_token():
            # A cookie whose JWT expired (or was tampered with): try the refresh cookie first.
            return rx.call_script(refresh_then_reload_script(next_path))
        return rx.redirect(login_url(next_path))

    @rx.event
    def refresh_balance(self):
        if self._user_id is None:
            return
        with unit_of_work() as session:
            self.balance = BalanceView.of(credits.get_balance(session, self._user_id))
