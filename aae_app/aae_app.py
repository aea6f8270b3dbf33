"""The Reflex app: the FastAPI sub-app on the same port, the shared lifespan, the pages."""

from __future__ import annotations

import reflex as rx

# Importing the page modules registers their routes.
from aae_app.pages import billing, dashboard, login, sections  # noqa: F401
from backend.api import create_api, lifespan

app = rx.App(
    api_transformer=create_api(),
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
)
app.register_lifespan_task(lifespan)
