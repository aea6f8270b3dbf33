"""/: welcome, the credit balance and recent activity."""

from __future__ import annotations

import reflex as rx

from aae_app.components.credits import balance_card, ledger_table
from aae_app.pages.template import app_page
from aae_app.state.auth import AuthState
from aae_app.state.dashboard import DashboardState

NEXT_STEPS = (
    ("plug", "Connect an ad account", "Bind Meta, TikTok or Google Ads to pull your numbers.", "/settings"),
    ("images", "Build your creative library", "Upload or generate images and videos.", "/creatives"),
    ("megaphone", "Launch a campaign", "Pick creatives, a budget and an audience.", "/campaigns"),
)


def next_step(icon: str, title: str, text: str, href: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.center(rx.icon(icon, size=18, color=rx.color("indigo", 10)), width="36px", height="36px",
                          border_radius="10px", background=rx.color("indigo", 3), flex_shrink="0"),
                rx.vstack(rx.text(title, weight="medium", size="2"),
                          rx.text(text, size="1", color_scheme="gray"), spacing="1"),
                align="center",
                spacing="3",
            ),
            size="2",
            width="100%",
            _hover={"background": rx.color("gray", 2)},
        ),
        href=href,
        underline="none",
        color="inherit",
        width="100%",
    )


@app_page("/", title="Dashboard", on_load=[DashboardState.load])
def dashboard() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading("Welcome back, ", AuthState.first_name, size="7", id="welcome"),
            rx.text("Here is where your credits stand today.", color_scheme="gray", size="3"),
            spacing="1",
        ),
        balance_card(action=rx.link(rx.button("View billing", variant="soft", size="2"), href="/billing")),
        rx.grid(
            rx.card(
                rx.vstack(
                    rx.hstack(rx.heading("Recent activity", size="3"), rx.spacer(),
                              rx.link("See all", href="/billing", size="2"), width="100%"),
                    ledger_table(DashboardState.recent, element_id="recent-activity"),
                    spacing="3",
                    width="100%",
                ),
                size="3",
            ),
            rx.card(
                rx.vstack(
                    rx.heading("Next steps", size="3"),
                    *[next_step(*step) for step in NEXT_STEPS],
                    spacing="3",
                    width="100%",
                ),
                size="3",
            ),
            columns=rx.breakpoints(initial="1", lg="2fr 1fr"),
            spacing="5",
            align="start",
            width="100%",
        ),
        spacing="6",
        width="100%",
    )
