"""landing-pages: a placeholder until the page is built."""

from __future__ import annotations

import reflex as rx

from aae_app.components.placeholder import coming_later
from aae_app.pages.template import app_page


@app_page("/landing-pages", title="Landing pages")
def landing_pages() -> rx.Component:
    return coming_later(
        icon="panels-top-left", title="Landing pages",
        description="Build, preview and publish landing pages for your campaigns.",
        points=["Templates and an AI writer", "One-click publishing", "Per-page analytics"],
    )
