"""The Reflex app: the FastAPI sub-app on the same port, the shared lifespan, the pages."""

from __future__ import annotations

import importlib
import pkgutil

import reflex as rx

import aae_app.pages
from backend.api import create_api, lifespan

# Every module in aae_app/pages registers its route(s) when imported: adding a page is adding a file.
for _module in pkgutil.iter_modules(aae_app.pages.__path__):
    importlib.import_module(f"aae_app.pages.{_module.name}")

app = rx.App(
    api_transformer=create_api(),
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
)
app.register_lifespan_task(lifespan)
