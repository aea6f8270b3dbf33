"""The sign-in page: where to go afterwards and which sign-in methods exist."""

from __future__ import annotations

import reflex as rx

from aae_app.state.auth import AuthState
from backend.auth.endpoints import safe_next
from backend.config import get_settings


class LoginState(AuthState):
    next_path: str = "/"
    dev_login_allowed: bool = True
    google_login_enabled: bool = False
    error: str = ""  # the reason a Google sign-in came back with (?error=...)
    # Set by `load`. The form is painted before the server has read `?next=`; sent earlier, it
    # would lose where the visitor was headed, so its button waits for this.
    ready: bool = False

    @rx.event
    def load(self):
        settings = get_settings()
        self.dev_login_allowed = settings.dev_login_allowed
        self.google_login_enabled = settings.google_login_enabled
        self.next_path = safe_next(self.router.url.query_parameters.get("next"))
        self.error = self.router.url.query_parameters.get("error", "")[:100]
        self.ready = True
        if self.access_token() and self.load_user():
            return rx.redirect(self.next_path)
        self.sign_out_locally()
        return None
