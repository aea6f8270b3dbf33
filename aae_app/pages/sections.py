"""Sections that arrive in later releases; each says so plainly."""

from __future__ import annotations

import reflex as rx

from aae_app.components.placeholder import coming_later
from aae_app.pages.template import app_page
from aae_app.state.auth import AuthState


@app_page("/creatives", title="Creatives")
def creatives() -> rx.Component:
    return coming_later(
        icon="images", title="Creative library",
        description="Keep every image and video you use in ads in one searchable library.",
        points=["Upload images and videos", "Generate variations with the AI agent", "Score and tag creatives"],
    )


@app_page("/reports", title="Reports")
def reports() -> rx.Component:
    return coming_later(
        icon="chart-column", title="Reports",
        description="Spend, clicks, conversions and ROAS across all your ad accounts.",
        points=["Daily metrics for 90 days", "Per campaign, ad set and ad", "CSV export"],
    )


@app_page("/landing-pages", title="Landing pages")
def landing_pages() -> rx.Component:
    return coming_later(
        icon="panels-top-left", title="Landing pages",
        description="Build, preview and publish landing pages for your campaigns.",
        points=["Templates and an AI writer", "One-click publishing", "Per-page analytics"],
    )


@app_page("/campaigns", title="Campaigns")
def campaigns() -> rx.Component:
    return coming_later(
        icon="megaphone", title="Campaigns",
        description="Create and run campaigns on Meta, TikTok and Google Ads from one place.",
        points=["Budgets and schedules", "Pause and resume", "Sync status per platform"],
    )


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
