"""/landing-pages: list, create from a template, edit the HTML with a sandboxed preview, publish."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library.common import page_header
from aae_app.components.library.landing_view import confirm, create_dialog, editor, pages_table, status_tabs
from aae_app.i18n import t
from aae_app.pages.template import app_page
from aae_app.state.landing_pages import LandingPagesState


@app_page("/landing-pages", title="Landing pages", on_load=[LandingPagesState.load])
def landing_pages() -> rx.Component:
    return rx.vstack(
        rx.cond(
            LandingPagesState.editing,
            editor(),
            rx.vstack(
                page_header("landing.title", "landing.subtitle",
                            rx.button(rx.icon("plus", size=14), t("landing.new"), on_click=LandingPagesState.open_create,
                                      id="new-page")),
                status_tabs(),
                pages_table(),
                spacing="4",
                width="100%",
            ),
        ),
        create_dialog(),
        confirm(),
        spacing="5",
        width="100%",
    )
