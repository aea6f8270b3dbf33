"""/login: the dev sign-in form (and a note when Google sign-in is configured)."""

from __future__ import annotations

import reflex as rx

from aae_app.components.forms import native_form
from aae_app.state.login import LoginState

DEV_LOGIN_ENDPOINT = "/api/v1/auth/dev-login"


def field(label: str, *, name: str, type_: str, placeholder: str, default: str = "",
          required: bool = True) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=f"login-{name}"),
        rx.input(name=name, id=f"login-{name}", type=type_, placeholder=placeholder, default_value=default,
                 required=required, size="3", width="100%", max_length=255),
        spacing="1",
        width="100%",
    )


def dev_login_form() -> rx.Component:
    return native_form(
        rx.vstack(
            field("Email", name="email", type_="email", placeholder="you@company.com", default="demo@aae.local"),
            field("Display name", name="display_name", type_="text", placeholder="Your name",
                  default="Demo Marketer", required=False),
            rx.el.input(type="hidden", name="next", value=LoginState.next_path),
            rx.button("Sign in", rx.icon("arrow-right", size=16), type="submit", size="3", width="100%",
                      id="dev-login-submit"),
            spacing="4",
            width="100%",
        ),
        action=DEV_LOGIN_ENDPOINT,
        id="dev-login-form",
        width="100%",
    )


def google_note() -> rx.Component:
    return rx.callout(
        "Google sign-in is configured for this installation and will appear here.",
        icon="info", color_scheme="indigo", variant="surface", size="1", width="100%",
    )


def dev_login_unavailable() -> rx.Component:
    return rx.callout(
        "Dev login is disabled on this installation.",
        icon="lock", color_scheme="gray", variant="surface", size="1", width="100%",
    )


def login_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon("zap", size=22, color="white"),
                width="44px", height="44px", border_radius="12px",
                background="linear-gradient(135deg, var(--indigo-9), var(--violet-9))",
            ),
            rx.vstack(
                rx.heading("Sign in to AAE", size="6", align="center"),
                rx.text("Your ads, creatives and campaigns in one place.", color_scheme="gray", size="2",
                        align="center"),
                spacing="1",
                align="center",
            ),
            rx.cond(LoginState.google_login_enabled, google_note()),
            rx.cond(
                LoginState.dev_login_allowed,
                rx.vstack(
                    rx.hstack(
                        rx.badge("Dev login", color_scheme="amber", variant="soft", radius="full"),
                        rx.text("Development sign-in without a password", size="1", color_scheme="gray"),
                        align="center",
                        spacing="2",
                    ),
                    dev_login_form(),
                    spacing="3",
                    width="100%",
                ),
                dev_login_unavailable(),
            ),
            spacing="5",
            align="center",
            width="100%",
        ),
        size="4",
        width="100%",
        max_width="420px",
    )


@rx.page(route="/login", title="Sign in · AAE", on_load=LoginState.load)
def login() -> rx.Component:
    return rx.center(
        rx.vstack(
            login_card(),
            rx.text("AAE Web Platform · Automated Ad Engine", size="1", color_scheme="gray"),
            align="center",
            spacing="4",
            width="100%",
            padding="16px",
        ),
        min_height="100vh",
        width="100%",
        background=f"radial-gradient(circle at 30% 20%, {rx.color('indigo', 3)}, {rx.color('gray', 2)} 60%)",
    )
