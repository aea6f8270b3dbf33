"""The application shell: sidebar, top bar, banners, content, the chat drawer, cookie consent.

`shell(content, title=, active_route=)` is applied by `aae_app.pages.template.app_page`. The
top bar's heading is the translated navigation label of the route (`ROUTE_TITLES`), else the
page's own `title`. Top bar, left to right: navigation menu (small screens), heading, ad account
switcher, credit balance, notification bell, chat toggle, color mode, user menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from aae_app.components.banners import shell_banners
from aae_app.components.chat_slot import chat_drawer
from aae_app.components.cookie_consent import cookie_consent
from aae_app.i18n import t
from aae_app.state.auth import AccountOption, AuthState
from aae_app.state.shell import ShellState
from backend.config import get_settings

SIDEBAR_WIDTH = "240px"
# Responsive values per breakpoint (initial, sm, md): the sidebar gives way to a menu below md.
DESKTOP_ONLY = ["none", "none", "flex"]
MOBILE_ONLY = ["flex", "flex", "none"]
WIDE_ONLY = ["none", "none", "none", "flex"]
NOT_PHONE = ["none", "flex"]
PAGE_PADDING = ["16px", "20px", "32px"]


@dataclass(frozen=True)
class NavItem:
    key: str
    route: str
    icon: str


NAV_ITEMS = (
    NavItem("nav.dashboard", "/", "layout-dashboard"),
    NavItem("nav.creatives", "/creatives", "images"),
    NavItem("nav.reports", "/reports", "chart-column"),
    NavItem("nav.landing_pages", "/landing-pages", "panels-top-left"),
    NavItem("nav.campaigns", "/campaigns", "megaphone"),
    NavItem("nav.billing", "/billing", "credit-card"),
    NavItem("nav.settings", "/settings", "settings"),
    NavItem("nav.notifications", "/notifications", "bell"),
)
ROUTE_TITLES = {item.route: item.key for item in NAV_ITEMS}


def brand() -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("zap", size=18, color="white"),
            width="32px", height="32px", border_radius="8px",
            background="linear-gradient(135deg, var(--indigo-9), var(--violet-9))",
        ),
        rx.vstack(
            rx.text("AAE", weight="bold", size="3", line_height="1"),
            rx.text(t("shell.product_name"), size="1", color_scheme="gray", line_height="1"),
            spacing="1",
        ),
        align="center",
        spacing="3",
        padding_x="12px",
        padding_y="20px",
    )


def nav_link(item: NavItem, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(item.icon, size=18),
            rx.text(t(item.key), size="2", weight="medium" if active else "regular"),
            rx.spacer(),
            rx.cond(AuthState.unread_count > 0,
                    rx.badge(AuthState.unread_badge, color_scheme="red", variant="solid", radius="full", size="1"),
                    rx.fragment()) if item.route == "/notifications" else rx.fragment(),
            align="center",
            spacing="3",
            padding_x="12px",
            padding_y="8px",
            border_radius="var(--radius-3)",
            background=rx.color("indigo", 3) if active else "transparent",
            color=rx.color("indigo", 11) if active else rx.color("gray", 11),
            _hover={"background": rx.color("indigo", 3) if active else rx.color("gray", 3),
                    "color": rx.color("indigo", 11) if active else rx.color("gray", 12)},
            width="100%",
        ),
        href=item.route,
        underline="none",
        width="100%",
        aria_current="page" if active else None,
        class_name="nav-link",
    )


def sidebar(active_route: str) -> rx.Component:
    return rx.box(sidebar_content(active_route), width=SIDEBAR_WIDTH, min_width=SIDEBAR_WIDTH, align_self="stretch",
                  border_right=f"1px solid {rx.color('gray', 5)}", background=rx.color("gray", 2),
                  display=DESKTOP_ONLY)


def sidebar_content(active_route: str) -> rx.Component:
    return rx.vstack(
        brand(),
        rx.el.nav(
            rx.vstack(*[nav_link(item, item.route == active_route) for item in NAV_ITEMS], spacing="1",
                      width="100%"),
            aria_label=t("shell.navigation"),
            width="100%",
            padding_x="8px",
        ),
        rx.spacer(),
        rx.text(t("shell.sandbox_note"), size="1", color_scheme="gray", padding="16px")
        if not get_settings().is_production else rx.fragment(),
        width="100%",
        height="100vh",
        position="sticky",
        top="0",
        spacing="0",
    )


def mobile_menu(active_route: str) -> rx.Component:
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(rx.icon("menu", size=18), variant="ghost", color_scheme="gray", size="2",
                               aria_label=t("shell.open_navigation")),
            ),
            rx.menu.content(
                *[rx.menu.item(rx.hstack(rx.icon(item.icon, size=16), rx.text(t(item.key)), spacing="2",
                                         align="center"),
                               on_click=rx.redirect(item.route),
                               color_scheme="indigo" if item.route == active_route else "gray")
                  for item in NAV_ITEMS],
            ),
        ),
        display=MOBILE_ONLY,
    )


def account_item(account: AccountOption) -> rx.Component:
    return rx.select.item(account.name, value=account.id)


def account_switcher() -> rx.Component:
    return rx.cond(
        AuthState.accounts.length() > 0,
        rx.select.root(
            rx.select.trigger(placeholder=t("shell.choose_account"), variant="soft", color_scheme="gray",
                              max_width=["120px", "180px", "240px"], id="account-switcher",
                              aria_label=t("shell.active_account")),
            rx.select.content(
                rx.select.group(
                    rx.select.label(t("shell.active_account")),
                    rx.foreach(AuthState.accounts, account_item),
                ),
                position="popper",
            ),
            value=AuthState.active_account_id,
            on_change=AuthState.select_account,
            size="2",
        ),
        rx.link(rx.button(rx.icon("plug", size=14), t("shell.connect_account"), size="2", variant="soft"),
                href="/settings?tab=accounts", id="connect-account-link", display=DESKTOP_ONLY),
    )


def balance_chip() -> rx.Component:
    return rx.link(
        rx.badge(
            rx.icon("wallet", size=14),
            rx.text(AuthState.balance.total, id="topbar-balance"),
            rx.text(t("common.credits"), color_scheme="gray", display=WIDE_ONLY),
            size="2",
            variant="soft",
            color_scheme=rx.cond(AuthState.balance.low, "amber", "indigo"),
            radius="full",
            padding_x="10px",
        ),
        href="/billing",
        underline="none",
        aria_label=t("shell.balance"),
    )


def notification_bell() -> rx.Component:
    return rx.link(
        rx.box(
            rx.icon_button(rx.icon("bell", size=18), variant="ghost", color_scheme="gray", size="2",
                           aria_label=t("shell.notifications"), tab_index=-1),
            rx.cond(
                AuthState.unread_count > 0,
                rx.badge(AuthState.unread_badge, color_scheme="red", variant="solid", radius="full", size="1",
                         position="absolute", top="-6px", right="-10px", id="unread-count",
                         pointer_events="none"),
                rx.fragment(),
            ),
            position="relative",
        ),
        href="/notifications",
        id="notification-bell",
        aria_label=t("shell.notifications"),
    )


def chat_toggle() -> rx.Component:
    return rx.tooltip(
        rx.icon_button(rx.icon("message-circle", size=18), variant=rx.cond(ShellState.chat_open, "soft", "ghost"),
                       color_scheme="indigo", size="2", on_click=ShellState.toggle_chat, id="chat-toggle",
                       aria_label=t("shell.open_assistant"), aria_expanded=rx.cond(ShellState.chat_open, "true",
                                                                                    "false")),
        content=t("shell.open_assistant"),
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=AuthState.initials, size="2", radius="full", color_scheme="indigo"),
                rx.vstack(
                    rx.text(AuthState.user_name, size="2", weight="medium", id="topbar-user", line_height="1.2"),
                    rx.text(AuthState.user_email, size="1", color_scheme="gray", line_height="1.2"),
                    spacing="0", align="start", display=WIDE_ONLY,
                ),
                rx.box(rx.icon("chevron-down", size=14, color=rx.color("gray", 10)), display=NOT_PHONE),
                variant="ghost", color_scheme="gray", size="2", id="user-menu", height="auto", padding="4px",
                aria_label=t("shell.account_menu"),
            ),
        ),
        rx.menu.content(
            rx.box(rx.text(AuthState.user_name, size="2", weight="medium"),
                   rx.text(AuthState.user_email, size="1", color_scheme="gray"), padding="8px 12px"),
            rx.menu.separator(),
            rx.menu.item(rx.icon("user-round", size=14), t("shell.profile_settings"),
                         on_click=rx.redirect("/settings"), id="menu-settings"),
            rx.menu.item(rx.icon("languages", size=14), t("shell.switch_language"),
                         on_click=AuthState.toggle_language, id="menu-language"),
            rx.menu.separator(),
            rx.menu.item(rx.icon("log-out", size=14), t("shell.sign_out"), on_click=AuthState.sign_out,
                         color_scheme="red", id="sign-out"),
            align="end",
            min_width="220px",
        ),
    )


def top_bar(title: Any, active_route: str) -> rx.Component:
    return rx.hstack(
        mobile_menu(active_route),
        rx.heading(title, size="5", weight="bold", id="page-title", white_space="nowrap", overflow="hidden",
                   text_overflow="ellipsis", min_width="0", display=NOT_PHONE),
        rx.spacer(),
        account_switcher(),
        balance_chip(),
        notification_bell(),
        chat_toggle(),
        rx.box(rx.color_mode.button(size="2", variant="ghost", color_scheme="gray", id="color-mode"),
               display=NOT_PHONE),
        rx.separator(orientation="vertical", size="2", display=DESKTOP_ONLY),
        user_menu(),
        align="center",
        spacing=rx.breakpoints(initial="2", md="3"),
        padding_x=PAGE_PADDING,
        height="64px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def loading_screen() -> rx.Component:
    return rx.center(rx.spinner(size="3"), height="100vh", width="100%")


def shell(content: rx.Component, *, title: str, active_route: str) -> rx.Component:
    heading = t(ROUTE_TITLES[active_route]) if active_route in ROUTE_TITLES else title
    return rx.fragment(
        rx.cond(
            AuthState.signed_in,
            rx.hstack(
                sidebar(active_route),
                rx.vstack(
                    top_bar(heading, active_route),
                    shell_banners(PAGE_PADDING),
                    rx.box(content, padding=PAGE_PADDING, width="100%", max_width="1280px", margin_x="auto"),
                    spacing="0",
                    width="100%",
                    min_width="0",
                    min_height="100vh",
                ),
                spacing="0",
                width="100%",
                align="start",
            ),
            loading_screen(),
        ),
        chat_drawer(),
        cookie_consent(),
    )
