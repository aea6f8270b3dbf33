"""/campaigns: the list with status and platform sync, create/edit, pause/resume, delete."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library.campaigns_view import campaigns_table, delete_confirm, form_dialog, status_tabs
from aae_app.components.library.common import page_header
from aae_app.i18n import t
from aae_app.pages.template import app_page
from aae_app.state.campaigns import CampaignsState


@app_page("/campaigns", title="Campaigns", on_load=[CampaignsState.load])
def campaigns() -> rx.Component:
    return rx.vstack(
        page_header(
            "campaigns.title", "campaigns.subtitle",
            rx.button(rx.icon("refresh-cw", size=14), t("campaigns.refresh"), variant="soft", color_scheme="gray",
                      on_click=CampaignsState.refresh, id="campaigns-refresh"),
            rx.button(rx.icon("plus", size=14), t("campaigns.new"), on_click=CampaignsState.open_new,
                      id="new-campaign"),
        ),
        status_tabs(),
        campaigns_table(),
        form_dialog(),
        delete_confirm(),
        spacing="5",
        width="100%",
    )
