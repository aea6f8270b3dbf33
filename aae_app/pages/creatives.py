"""/creatives: the creative library (upload, filter, preview, edit, delete)."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library.common import library_style, page_header
from aae_app.components.library.creatives_drawer import details_drawer
from aae_app.components.library.creatives_grid import creative_grid, drop_zone, filter_bar, uploads_panel
from aae_app.pages.template import app_page
from aae_app.state.creatives import CreativesState


@app_page("/creatives", title="Creatives", on_load=[CreativesState.load])
def creatives() -> rx.Component:
    return rx.fragment(library_style(), rx.vstack(
        page_header("creatives.title", "creatives.subtitle"),
        drop_zone(),
        uploads_panel(),
        rx.card(filter_bar(), width="100%"),
        creative_grid(),
        details_drawer(),
        spacing="5",
        width="100%",
    ))
