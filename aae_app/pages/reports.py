"""reports: a placeholder until the page is built."""

from __future__ import annotations

import reflex as rx

from aae_app.components.placeholder import coming_later
from aae_app.pages.template import app_page


@app_page("/reports", title="Reports")
def reports() -> rx.Component:
    return coming_later(
        icon="chart-column", title="Reports",
        description="Spend, clicks, conversions and ROAS across all your ad accounts.",
        points=["Daily metrics for 90 days", "Per campaign, ad set and ad", "CSV export"],
    )
