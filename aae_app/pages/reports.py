"""/reports: metrics over a date range by level, with charts, a sortable table and CSV export."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library.common import library_style, page_header
from aae_app.components.library.reports_view import date_error, report_body, toolbar
from aae_app.i18n import t
from aae_app.pages.template import app_page
from aae_app.state.reports import ReportsState


@app_page("/reports", title="Reports", on_load=[ReportsState.load])
def reports() -> rx.Component:
    return rx.fragment(library_style(), rx.vstack(
        page_header(
            "reports.title", "reports.subtitle",
            rx.button(rx.icon("download", size=14), t("reports.download_csv"), on_click=ReportsState.download_csv,
                      loading=ReportsState.exporting, disabled=ReportsState.rows.length() == 0, id="download-csv"),
        ),
        rx.card(toolbar(), width="100%"),
        date_error(),
        report_body(),
        spacing="5",
        width="100%",
    ))
