"""creatives: a placeholder until the page is built."""

from __future__ import annotations

import reflex as rx

from aae_app.components.placeholder import coming_later
from aae_app.pages.template import app_page


@app_page("/creatives", title="Creatives")
def creatives() -> rx.Component:
    return coming_later(
        icon="images", title="Creative library",
        description="Keep every image and video you use in ads in one searchable library.",
        points=["Upload images and videos", "Generate variations with the AI agent", "Score and tag creatives"],
    )
