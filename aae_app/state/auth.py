"""Who is signed in, read server-side from the HttpOnly session cookie, plus what the shell shows.

The cookie arrives with the websocket handshake (`self.router.headers.cookie`); it is never
copied into a synced var, `rx.Cookie` or local storage. Because the handshake is fixed per
connection, sign-in and sign-out are full page loads handled by FastAPI.

Besides the user, `AuthState` holds what the top bar and banners need on every page: the ad
accounts (the account switcher), the unread notification count and the accounts that need
reconnecting (Property 4). Pages whose data depends on the selected ad account register a
handler with `on_active_account_change` so switching accounts reloads them.

Failures reach the user through `error_toast(exc, language)`: the message and the error code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reflex as rx

from aae_app import i18n
from aae_app.state.views import BalanceView
from backend.ad_accounts import service as ad_accounts
from backend.ad_accounts.service import AccountChanges
from backend.audit.service import RequestContext
from backend.auth import service as auth_service
from backend.auth.cookies import ACCESS_COOKIE
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import AppError, Unauthorized
from backend.models import AdAccount, AdAccountStatus
from backend.notifications import service as notifications
from backend.users import service as users

LOGIN_ROUTE = "/login"
REFRESH_ENDPOINT = "/api/v1/auth/refresh"
LOGOUT_ENDPOINT = "/api/v1/auth/logout"


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


def full_page_load(url: str) -> rx.event.EventSpec:
    """Navigate with a real page load: needed for backend routes (a react-router link would 404)."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


def sign_out_script() -> str:
    """End the session on the server (cookies cleared), then land on the sign-in page."""
    target = json.dumps(LOGIN_ROUTE)
    return (
        f"fetch({json.dumps(LOGOUT_ENDPOINT)}, {{method: 'POST', credentials: 'same-origin'}})"
        f".finally(() => window.location.assign({target}))"
    )


def error_toast(exc: AppError, language: str) -> rx.event.EventSpec:
    """Every failure: a toast with a short title, the service's message and the error code."""
    title_key = f"errors.{exc.code}"
    title = i18n.translate(title_key if title_key in i18n.TABLE else "errors.generic", language)
    code = i18n.translate("errors.code", language).format(code=exc.code)
    return rx.toast.error(title, description=f"{exc.message} · {code}", duration=8000,
                          class_name="app-error-toast")


def format_time(value: datetime | None, timezone: str) -> str:
    """`YYYY-MM-DD HH:MM` in the user's time zone (language-neutral)."""
    if value is None:
        return ""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@dataclasses.dataclass
class AccountOption:
    """An ad account in the top-bar switcher. Ids are strings: select values must be."""

    id: str = ""
    name: str = ""
    platform: str = ""
    status: str = ""
    is_active: bool = False

    @classmethod
    def of(cls, account: AdAccount) -> AccountOption:
        return cls(id=str(account.id), name=account.account_name, platform=account.platform,
                   status=account.status, is_active=account.is_active)


@dataclasses.dataclass
class AttentionAccount:
    """An ad account whose token expired or failed to refresh (Property 4): the reconnect banner."""

    id: int = 0
    name: str = ""
    platform: str = ""


# Handlers to run after the user switches the active ad account (see the module docstring).
_ACCOUNT_LISTENERS: list[Callable] = []


def on_active_account_change(handler: Callable) -> Callable:
    """Register a page state's event handler to run after the active ad account changes."""
    if handler not in _ACCOUNT_LISTENERS:
        _ACCOUNT_LISTENERS.append(handler)
    return handler


class AuthState(rx.State):
    """The signed-in user, their balance and the shell's data, shown on every page."""

    user_name: str = ""
    user_email: str = ""
    language: str = "en"
    timezone: str = "UTC"
    balance: BalanceView = BalanceView()
    accounts: list[AccountOption] = []
    unread_count: int = 0
    attention: list[AttentionAccount] = []
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

    @rx.var
    def active_account_id(self) -> str:
        return next((a.id for a in self.accounts if a.is_active), self.accounts[0].id if self.accounts else "")

    @rx.var
    def active_account_name(self) -> str:
        return next((a.name for a in self.accounts if a.id == self.active_account_id), "")

    @rx.var
    def unread_badge(self) -> str:
        return "99+" if self.unread_count > 99 else str(self.unread_count)

    @property
    def user_id(self) -> int | None:
        return self._user_id

    def tr(self, key: str, **values: object) -> str:
        """A UI string in the user's language, formatted with `values`."""
        text = i18n.translate(key, self.language)
        return text.format(**values) if values else text

    def fail(self, exc: AppError) -> rx.event.EventSpec:
        return error_toast(exc, self.language)

    def access_token(self) -> str | None:
        return read_cookie(self.router.headers.cookie, ACCESS_COOKIE)

    def request_context(self) -> RequestContext:
        return RequestContext(ip=self.router.session.client_ip or None,
                              user_agent=self.router.headers.user_agent or None)

    def load_user(self) -> bool:
        """Resolve the cookie to a user, their balance and the shell's data; False if it fails."""
        try:
            with unit_of_work() as session:
                user = auth_service.authenticate_access_token(session, self.access_token())
                balance = credits.get_balance(session, user.id)
                self._user_id = user.id
                self.user_name, self.user_email = user.display_name, user.email
                self.language = user.language if user.language in i18n.LANGUAGES else "en"
                self.timezone = user.timezone or "UTC"
                self.balance = BalanceView.of(balance)
                self._load_shell(session)
        except Unauthorized:
            self.sign_out_locally()
            return False
        return True

    def _load_shell(self, session) -> None:
        user_id = self._user_id
        self.accounts = [AccountOption.of(a) for a in ad_accounts.list_accounts(session, user_id)]
        self.unread_count = notifications.unread_count(session, user_id)
        self.attention = [
            AttentionAccount(id=a.id, name=a.account_name, platform=a.platform)
            for a in ad_accounts.accounts_needing_attention(session, user_id)
            if a.status != AdAccountStatus.REVOKED
        ]

    def sign_out_locally(self) -> None:
        self._user_id = None
        self.user_name = ""
        self.user_email = ""
        self.balance = BalanceView()
        self.accounts = []
        self.unread_count = 0
        self.attention = []

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
    def refresh_shell(self):
        """Re-read the balance, the unread count and the banners (after an action changed them)."""
        if self._user_id is None:
            return
        with unit_of_work() as session:
            self.balance = BalanceView.of(credits.get_balance(session, self._user_id))
            self._load_shell(session)

    @rx.event
    def refresh_balance(self):
        if self._user_id is None:
            return
        with unit_of_work() as session:
            self.balance = BalanceView.of(credits.get_balance(session, self._user_id))

    @rx.event
    def set_language(self, language: str | list[str]):
        """Switch the UI language now and remember it in the profile."""
        language = language[0] if isinstance(language, list) and language else language
        if language not in i18n.LANGUAGES:
            return None
        self.language = language
        if self._user_id is None:
            return None  # the sign-in page: this visit only
        try:
            with unit_of_work() as session:
                users.update_profile(session, user_id=self._user_id, changes={"language": language},
                                     context=self.request_context())
        except AppError as exc:
            return self.fail(exc)
        return None

    @rx.event
    def toggle_language(self):
        return AuthState.set_language("zh" if self.language == "en" else "en")

    @rx.event
    def select_account(self, account_id: str):
        """The top-bar switcher: make this ad account the active one, then reload listeners."""
        if self._user_id is None or not account_id or account_id == self.active_account_id:
            return None
        try:
            with unit_of_work() as session:
                ad_accounts.update(session, user_id=self._user_id, account_id=int(account_id),
                                   changes=AccountChanges(is_active=True))
                self._load_shell(session)
        except AppError as exc:
            return self.fail(exc)
        except ValueError:
            return None
        return [rx.toast.success(self.tr("shell.account_switched", name=self.active_account_name)),
                *_ACCOUNT_LISTENERS]

    @rx.event
    def sign_out(self):
        self.sign_out_locally()
        return rx.call_script(sign_out_script())
