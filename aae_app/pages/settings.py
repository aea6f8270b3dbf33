"""settings: a placeholder until the page is built."""

from __future__ import annotations

import reflex as rx

from aae_app.components.placeholder import coming_later
from aae_app.pages.template import app_page
from aae_app.state.auth import AuthState


@app_page("/settings", title="Settings")
def settings() -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.heading("Profile", size="3"),
                rx.data_list.root(
                    rx.data_list.item(rx.data_list.label("Name"), rx.data_list.value(AuthState.user_name)),
                    rx.data_list.item(rx.data_list.label("Email"), rx.data_list.value(AuthState.user_email)),
                ),
                spacing="3",
            ),
            size="3",
            width="100%",
        ),
        coming_later(
            icon="settings", title="More settings",
            description="Ad accounts, notifications, language, API tokens and privacy controls.",
            points=["Bind and unbind ad accounts", "Notification preferences", "Export or delete your data"],
        ),
        spacing="5",
        width="100%",
    )
