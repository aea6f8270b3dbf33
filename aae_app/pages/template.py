"""The page decorator: shared shell, the sign-in guard, then the page's own loaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from aae_app.components.layout import ROUTE_TITLES, shell
from aae_app.i18n import t
from aae_app.state.auth import AuthState

APP_NAME = "AAE"


def tab_title(route: str, title: str) -> Any:
    """The browser tab's title: the page's name in the user's language (a Var), then the app's."""
    key = ROUTE_TITLES.get(route)
    return f"{t(key)} · {APP_NAME}" if key else f"{title} · {APP_NAME}"


def app_page(
    route: str,
    *,
    title: str,
    on_load: list[rx.event.EventType] | None = None,
    description: str | None = None,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a signed-in page. `on_load` handlers run after the guard has resolved the user."""

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            return shell(content(), title=title, active_route=route)

        page.__name__ = content.__name__
        rx.page(
            route=route,
            title=tab_title(route, title),
            description=description,
            on_load=[AuthState.require_login, *(on_load or [])],
        )(page)
        return page

    return decorator
