"""Helpers for the state tests (REFLEX_NOTES §7a): the real state tree without a browser or server.

No tests here; `tests/aae_app/test_*.py` import these.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.istate.data import RouterData

from aae_app.state.auth import AuthState
from aae_app.state.billing import BillingState
from aae_app.state.dashboard import DashboardState
from aae_app.state.login import LoginState
from aae_app.state.notifications import NotificationsState
from aae_app.state.settings import SettingsState
from aae_app.state.settings_access import AccessState
from aae_app.state.shell import ShellState
from backend.auth.tokens import create_access_token

PAGE_STATES = (DashboardState, BillingState, LoginState, NotificationsState, SettingsState, AccessState, ShellState)


def spec_args(spec) -> dict[str, Any]:
    """The arguments of an EventSpec (rx.redirect, rx.call_script, a handler call)."""
    return {name._js_expr: getattr(value, "_var_value", value) for name, value in getattr(spec, "args", ())}


def router(*, cookie: str = "", path: str = "/") -> RouterData:
    return RouterData.from_router_data({
        "headers": {"cookie": cookie, "origin": "http://127.0.0.1:3000", "user-agent": "pytest"},
        "asPath": path,
        "ip": "127.0.0.1",
    })


def states(*, cookie: str = "", path: str = "/") -> dict[type, rx.State]:
    """The real state tree, with the router data a websocket handshake would give."""
    root = rx.State(_reflex_internal_init=True)
    root.router = router(cookie=cookie, path=path)
    auth = root.get_substate(AuthState.get_full_name().split(".")[1:])
    return {AuthState: auth, **{cls: auth.substates[cls.get_name()] for cls in PAGE_STATES}}


def signed_in_cookie(user_id: int, **token_args: Any) -> str:
    return f"theme=dark; aae_access={create_access_token(user_id, **token_args)}"


def signed_in(user_id: int, *, path: str = "/") -> dict[type, rx.State]:
    """A state tree whose guard has run for this user (as on_load does first on every page)."""
    tree = states(cookie=signed_in_cookie(user_id), path=path)
    assert tree[AuthState].require_login() is None
    return tree


def run(handler_result) -> list:
    """Exhaust a handler that may be a generator (loading flags); the events it produced."""
    if handler_result is None:
        return []
    if isinstance(handler_result, list):
        return handler_result
    if hasattr(handler_result, "__next__"):
        return [event for event in handler_result if event is not None]
    return [handler_result]


def toast_text(events) -> str:
    """Everything the toasts among `events` say (title and description), for assertions."""
    texts = []
    for event in events if isinstance(events, list) else [events]:
        function = spec_args(event).get("function")
        call = getattr(function, "_return_expr", None)
        if call is None or "__toast" not in str(getattr(call, "_js_expr", "")):
            continue
        title, *rest = call._args
        texts.append(str(title))
        for props in rest:
            texts.extend(str(v) for v in (getattr(props, "_var_value", None) or {}).values())
    return " ".join(texts)
