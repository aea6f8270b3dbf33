"""/billing: balance and the credit ledger."""

from __future__ import annotations

import reflex as rx

from aae_app.components.credits import balance_card, ledger_table
from aae_app.pages.template import app_page
from aae_app.state.billing import BillingState


@app_page("/billing", title="Billing", on_load=[BillingState.load])
def billing() -> rx.Component:
    return rx.vstack(
        balance_card(
            action=rx.tooltip(
                rx.button(rx.icon("plus", size=16), "Buy credits", size="2", disabled=True),
                content="Credit packages arrive with payments in a later release",
            )
        ),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.vstack(
                        rx.heading("Credit history", size="3"),
                        rx.text(BillingState.showing_label, size="2", color_scheme="gray", id="ledger-count"),
                        spacing="1",
                    ),
                    width="100%",
                ),
                ledger_table(BillingState.rows, element_id="ledger-table"),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )
