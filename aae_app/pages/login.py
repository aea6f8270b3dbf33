"""/login: "Continue with Google" when configured, the dev sign-in form in the embedded shape."""

from __future__ import annotations

import reflex as rx

from aae_app.components.cookie_consent import cookie_consent
from aae_app.components.forms import native_form
from aae_app.i18n import t
from aae_app.state.auth import AuthState
from aae_app.state.login import LoginState

DEV_LOGIN_ENDPOINT = "/api/v1/auth/dev-login"
GOOGLE_LOGIN_ENDPOINT = "/api/v1/auth/oauth/google"


def field(label_key: str, *, name: str, type_: str, placeholder_key: str, default: str = "",
          required: bool = True) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium", html_for=f"login-{name}"),
        rx.input(name=name, id=f"login-{name}", type=type_, placeholder=t(placeholder_key), default_value=default,
                 required=required, size="3", width="100%", max_length=255),
        spacing="1",
        width="100%",
    )


def dev_login_form() -> rx.Component:
    return native_form(
        rx.vstack(
            field("login.email", name="email", type_="email", placeholder_key="login.email_placeholder",
                  default="demo@aae.local"),
            field("login.display_name", name="display_name", type_="text",
                  placeholder_key="login.display_name_placeholder", default="Demo Marketer", required=False),
            rx.el.input(type="hidden", name="next", value=LoginState.next_path),
            rx.button(t("login.sign_in"), rx.icon("arrow-right", size=16), type="submit", size="3", width="100%",
                      id="dev-login-submit", disabled=~LoginState.ready),
            spacing="4",
            width="100%",
        ),
        action=DEV_LOGIN_ENDPOINT,
        id="dev-login-form",
        width="100%",
    )


def google_button() -> rx.Component:
    return rx.link(
        rx.button(rx.icon("log-in", size=16), t("login.google"), size="3", width="100%", variant="outline",
                  color_scheme="gray", id="google-login"),
        href=f"{GOOGLE_LOGIN_ENDPOINT}?next={LoginState.next_path}",
        reload_document=True,
        width="100%",
    )


def dev_login_unavailable() -> rx.Component:
    return rx.callout(t("login.dev_disabled"), icon="lock", color_scheme="gray", variant="surface", size="1",
                      width="100%")


def login_error() -> rx.Component:
    return rx.cond(
        LoginState.error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert", size=16)),
            rx.callout.text(t("login.failed"), " (", LoginState.error, ")"),
            color_scheme="red", size="1", width="100%", id="login-error",
        ),
        rx.fragment(),
    )


def language_switch() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("English", value="en"),
        rx.segmented_control.item("中文", value="zh"),
        value=AuthState.language,
        on_change=AuthState.set_language,
        size="1",
        id="login-language",
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
                rx.heading(t("login.title"), size="6", align="center"),
                rx.text(t("login.subtitle"), color_scheme="gray", size="2", align="center"),
                spacing="1",
                align="center",
            ),
            login_error(),
            rx.cond(LoginState.google_login_enabled, google_button()),
            rx.cond(LoginState.google_login_enabled & LoginState.dev_login_allowed,
                    rx.hstack(rx.separator(size="4"), rx.text(t("login.or"), size="1", color_scheme="gray"),
                              rx.separator(size="4"), align="center", width="100%")),
            rx.cond(
                LoginState.dev_login_allowed,
                rx.vstack(
                    rx.hstack(
                        rx.badge(t("login.dev_badge"), color_scheme="amber", variant="soft", radius="full"),
                        rx.text(t("login.dev_hint"), size="1", color_scheme="gray"),
                        align="center",
                        spacing="2",
                    ),
                    dev_login_form(),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(LoginState.google_login_enabled, rx.fragment(), dev_login_unavailable()),
            ),
            spacing="5",
            align="center",
            width="100%",
        ),
        size="4",
        width="100%",
        max_width="420px",
    )


@rx.page(route="/login", title=f"{t('login.sign_in')} · AAE", on_load=LoginState.load)
def login() -> rx.Component:
    # Anchored to the top (not centred): the cookie card, which appears under the form after the
    # page loads on a first visit, then never moves the form.
    return rx.fragment(
        rx.flex(
            rx.vstack(
                rx.hstack(language_switch(), rx.color_mode.button(size="1", variant="ghost", color_scheme="gray"),
                          width="100%", max_width="420px", justify="end", align="center", spacing="2"),
                login_card(),
                rx.text(t("login.footer"), size="1", color_scheme="gray"),
                # In the page, under the form: it never covers the Sign in button (see cookie_consent).
                cookie_consent(inline=True),
                align="center",
                spacing="4",
                width="100%",
                padding="16px",
                padding_top="max(16px, 7vh)",
            ),
            justify="center",
            align="start",
            min_height="100vh",
            width="100%",
            background=f"radial-gradient(circle at 30% 20%, {rx.color('indigo', 3)}, {rx.color('gray', 2)} 60%)",
        ),
    )
