"""UI state of the shell itself: the chat drawer, cookie consent, reconnecting an ad account.

Cookie consent: until the visitor chooses, only essential cookies exist (the HttpOnly session
cookies). The choice is remembered in local storage (`aae_cookie_consent`, no secret in it):
"all" allows optional preferences to be remembered on this device (see `preferences_allowed`),
"essential" keeps it to the session cookies.
"""

from __future__ import annotations

import reflex as rx

from aae_app.state.auth import AuthState, full_page_load
from backend.ad_accounts import service as ad_accounts
from backend.ad_accounts.endpoints import callback_url
from backend.db import unit_of_work
from backend.errors import AppError

CONSENT_ALL = "all"
CONSENT_ESSENTIAL = "essential"


class ShellState(AuthState):
    chat_open: bool = False
    cookie_consent: str = rx.LocalStorage("", name="aae_cookie_consent", sync=True)

    @rx.var
    def consent_pending(self) -> bool:
        return self.cookie_consent not in (CONSENT_ALL, CONSENT_ESSENTIAL)

    @rx.var
    def preferences_allowed(self) -> bool:
        return self.cookie_consent == CONSENT_ALL

    @rx.event
    def toggle_chat(self):
        self.chat_open = not self.chat_open

    @rx.event
    def close_chat(self):
        self.chat_open = False

    @rx.event
    def accept_cookies(self):
        self.cookie_consent = CONSENT_ALL

    @rx.event
    def essential_cookies_only(self):
        self.cookie_consent = CONSENT_ESSENTIAL

    @rx.event
    def reconnect(self, account_id: int):
        """Start binding again on the account's platform (the sandbox returns at once)."""
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                account = ad_accounts.get_owned_or_raise(session, self.user_id, int(account_id))
                platform = account.platform
            url = ad_accounts.start_bind(user_id=self.user_id, platform=platform, redirect_uri=callback_url())
        except AppError as exc:
            return self.fail(exc)
        return full_page_load(url)
