"""The application shell: sidebar, top bar, low-balance banner, content."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from aae_app.components.forms import native_form
from aae_app.state.auth import AuthState

SIDEBAR_WIDTH = "240px"
# Responsive values per breakpoint (initial, sm, md): the sidebar gives way to a menu below md.
DESKTOP_ONLY = ["none", "none", "flex"]
MOBILE_ONLY = ["flex", "flex", "none"]
PAGE_PADDING = ["16px", "20px", "32px"]


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str
    icon: str


NAV_ITEMS = (
    NavItem("Dashboard", "/", "layout-dashboard"),
    NavItem("Creatives", "/creatives", "images"),
    NavItem("Reports", "/reports", "chart-column"),
    NavItem("Landing pages", "/landing-pages", "panels-top-left"),
    NavItem("Campaigns", "/campaigns", "megaphone"),
    NavItem("Billing", "/billing", "credit-card"),
    NavItem("Settings", "/settings", "settings"),
)


def brand() -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("zap", size=18, color="white"),
            width="32px", height="32px", border_radius="8px",
            background="linear-gradient(135deg, var(--indigo-9), var(--violet-9))",
        ),
        rx.vstack(
            rx.text("AAE", weight="bold", size="3", line_height="1"),
            rx.text("Automated Ad Engine", size="1", color_scheme="gray", line_height="1"),
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
            rx.text(item.label, size="2", weight="medium" if active else "regular"),
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
    )


def sidebar(active_route: str) -> rx.Component:
    return rx.vstack(
        brand(),
        rx.vstack(
            *[nav_link(item, item.route == active_route) for item in NAV_ITEMS],
            spacing="1",
            width="100%",
            padding_x="8px",
        ),
        rx.spacer(),
        rx.text("Sandbox data · development", size="1", color_scheme="gray", padding="16px"),
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        height="100vh",
        position="sticky",
        top="0",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        spacing="0",
        display=DESKTOP_ONLY,
    )


def mobile_menu(active_route: str) -> rx.Component:
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(rx.icon("menu", size=18), variant="ghost", color_scheme="gray", size="2",
                               aria_label="Open navigation"),
            ),
            rx.menu.content(
                *[rx.menu.item(rx.hstack(rx.icon(item.icon, size=16), rx.text(item.label), spacing="2",
                                         align="center"),
                               on_click=rx.redirect(item.route),
                               color_scheme="indigo" if item.route == active_route else "gray")
                  for item in NAV_ITEMS],
            ),
        ),
        display=MOBILE_ONLY,
    )


def balance_chip() -> rx.Component:
    return rx.link(
        rx.badge(
            rx.icon("wallet", size=14),
            rx.text(AuthState.balance.total, id="topbar-balance"),
            rx.text("credits", color_scheme="gray", display=DESKTOP_ONLY),
            size="2",
            variant="soft",
            color_scheme=rx.cond(AuthState.balance.low, "amber", "indigo"),
            radius="full",
            padding_x="10px",
        ),
        href="/billing",
        underline="none",
    )


def user_menu() -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=AuthState.initials, size="2", radius="full", color_scheme="indigo"),
        rx.vstack(
            rx.text(AuthState.user_name, size="2", weight="medium", id="topbar-user", line_height="1.2"),
            rx.text(AuthState.user_email, size="1", color_scheme="gray", line_height="1.2"),
            spacing="0",
            display=DESKTOP_ONLY,
        ),
        align="center",
        spacing="2",
    )


def sign_out_button() -> rx.Component:
    return native_form(
        rx.button(rx.icon("log-out", size=16), rx.text("Sign out", display=DESKTOP_ONLY), type="submit",
                  variant="soft", color_scheme="gray", size="2", id="sign-out", aria_label="Sign out"),
        action="/api/v1/auth/logout",
    )


def top_bar(title: str, active_route: str) -> rx.Component:
    return rx.hstack(
        mobile_menu(active_route),
        rx.heading(title, size="5", weight="bold"),
        rx.spacer(),
        balance_chip(),
        rx.separator(orientation="vertical", size="2", display=DESKTOP_ONLY),
        user_menu(),
        rx.color_mode.button(size="2", variant="ghost", color_scheme="gray"),
        sign_out_button(),
        align="center",
        spacing=rx.breakpoints(initial="2", md="4"),
        padding_x=PAGE_PADDING,
        height="64px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def low_balance_banner() -> rx.Component:
    """Property 33: below the warning threshold the balance warning is always in view."""
    return rx.cond(
        AuthState.balance.low,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert", size=16)),
            rx.callout.text(
                "Your credit balance is low (",
                rx.text.strong(AuthState.balance.total),
                " credits). Top up to keep campaigns and AI tools running. ",
                rx.link("Go to billing", href="/billing", weight="medium"),
            ),
            color_scheme=rx.cond(AuthState.balance.critical, "red", "amber"),
            role="alert",
            id="low-balance-banner",
            margin_x=PAGE_PADDING,
            margin_top="20px",
        ),
    )


def loading_screen() -> rx.Component:
    return rx.center(rx.spinner(size="3"), height="100vh", width="100%")


def shell(content: rx.Component, *, title: str, active_route: str) -> rx.Component:
    return rx.cond(
        AuthState.signed_in,
        rx.hstack(
            sidebar(active_route),
            rx.vstack(
                top_bar(title, active_route),
                low_balance_banner(),
                rx.box(content, padding=PAGE_PADDING, width="100%", max_width="1200px"),
                spacing="0",
                width="100%",
                min_height="100vh",
            ),
            spacing="0",
            width="100%",
            align="start",
        ),
        loading_screen(),
    )
