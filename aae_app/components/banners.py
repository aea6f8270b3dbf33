"""Shell banners under the top bar.

- `low_balance_banner()`: Property 33, the balance is below the warning threshold (50); a
  recharge link to /billing. Red below the critical threshold.
- `reconnect_banners()`: Property 4, one per ad account whose token expired or failed to
  refresh, with a Reconnect button that starts binding again on that platform.
- `notice(*text, color=, icon=, action=, element_id=)`: a callout-styled row for page-level
  outcomes, with an optional action (a button, a dismiss icon) on the right; `bar` is the same
  with `role`/`class_name`.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aae_app.i18n import t
from aae_app.state.auth import AttentionAccount, AuthState
from aae_app.state.shell import ShellState


def bar(*children: Any, color: Any = "indigo", icon: str = "info", action: rx.Component | None = None,
        element_id: str | None = None, role: str | None = None, class_name: str | None = None) -> rx.Component:
    """A callout-styled row: icon, text, and an optional action on the right (wraps on small screens)."""
    return rx.flex(
        rx.icon(icon, size=16, flex_shrink="0", margin_top="2px"),
        rx.text(*children, size="2", flex="1", min_width="200px"),
        action or rx.fragment(),
        align="start",
        gap="12px",
        wrap="wrap",
        padding="12px 16px",
        border_radius="var(--radius-3)",
        background=rx.color(color, 3),
        color=rx.color(color, 11),
        width="100%",
        id=element_id,
        role=role,
        class_name=class_name,
    )


def notice(*children: Any, color: str = "indigo", icon: str = "info", element_id: str | None = None,
           action: rx.Component | None = None) -> rx.Component:
    return bar(*children, color=color, icon=icon, action=action, element_id=element_id)


def low_balance_banner() -> rx.Component:
    color = rx.cond(AuthState.balance.critical, "red", "amber")
    return rx.cond(
        AuthState.balance.low,
        bar(
            rx.text.strong(t("banner.low_balance_title")), " ", t("banner.low_balance_prefix"), " ",
            rx.text.strong(AuthState.balance.total, id="low-balance-amount"), " ", t("banner.low_balance_suffix"),
            color=color, icon="triangle-alert", role="alert", element_id="low-balance-banner",
            action=rx.link(rx.button(rx.icon("plus", size=14), t("banner.recharge"), size="1", color_scheme=color),
                           href="/billing", id="low-balance-recharge"),
        ),
    )


def reconnect_banner(account: AttentionAccount) -> rx.Component:
    return bar(
        rx.text.strong(account.name), " ", t("banner.reconnect_text"),
        color="red", icon="unplug", role="alert", class_name="reconnect-banner",
        action=rx.button(rx.icon("refresh-cw", size=14), t("banner.reconnect"), size="1", color_scheme="red",
                         on_click=ShellState.reconnect(account.id), class_name="reconnect-button"),
    )


def reconnect_banners() -> rx.Component:
    return rx.foreach(AuthState.attention, reconnect_banner)


def shell_banners(padding: Any) -> rx.Component:
    return rx.cond(
        AuthState.balance.low | (AuthState.attention.length() > 0),
        rx.vstack(low_balance_banner(), reconnect_banners(), spacing="2", width="100%", padding_x=padding,
                  padding_top="16px", id="shell-banners"),
        rx.fragment(),
    )
