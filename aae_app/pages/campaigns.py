"""campaigns: a placeholder until the page is built."""

from __future__ import annotations

import reflex as rx

from aae_app.components.placeholder import coming_later
from aae_app.pages.template import app_page


@app_page("/campaigns", title="Campaigns")
def campaigns() -> rx.Component:
    return coming_later(
        icon="megaphone", title="Campaigns",
        description="Create and run campaigns on Meta, TikTok and Google Ads from one place.",
        points=["Budgets and schedules", "Pause and resume", "Sync status per platform"],
    )
