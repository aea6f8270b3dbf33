"""Credit balance cards and the ledger table."""

from __future__ import annotations

import reflex as rx

from aae_app.state.auth import AuthState
from aae_app.state.views import LedgerRow


def stat(label: str, value: rx.Var, *, hint: str, element_id: str, emphasis: bool = False) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", color_scheme="gray", weight="medium"),
        rx.hstack(
            rx.text(value, size="7" if emphasis else "6", weight="bold", id=element_id,
                    color=rx.color("indigo", 11) if emphasis else None),
            rx.text("credits", size="2", color_scheme="gray"),
            align="baseline",
            spacing="2",
        ),
        rx.text(hint, size="1", color_scheme="gray"),
        spacing="1",
        flex="1",
        min_width="160px",
    )


def balance_card(*, action: rx.Component | None = None) -> rx.Component:
    balance = AuthState.balance
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.hstack(
                    rx.icon("wallet", size=18, color=rx.color("indigo", 10)),
                    rx.heading("Credit balance", size="3"),
                    align="center",
                    spacing="2",
                ),
                rx.spacer(),
                action or rx.fragment(),
                width="100%",
                align="center",
            ),
            rx.flex(
                stat("Total", balance.total, hint="Available to spend", element_id="balance-total",
                     emphasis=True),
                stat("Gifted", balance.gifted, hint="Bonuses, spent first", element_id="balance-gifted"),
                stat("Purchased", balance.purchased, hint="Bought credits", element_id="balance-purchased"),
                spacing="6",
                wrap="wrap",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="balance-card",
    )


def kind_badge(row: LedgerRow) -> rx.Component:
    return rx.badge(row.kind, color_scheme=row.kind_color, variant="soft", radius="full")


def amount_text(row: LedgerRow) -> rx.Component:
    return rx.text(row.amount, weight="medium", color=rx.cond(row.incoming, rx.color("grass", 11), rx.color("gray", 12)),
                   font_variant_numeric="tabular-nums")


def ledger_row(row: LedgerRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(row.date, size="2"), rx.text(row.time, size="1", color_scheme="gray"),
                                spacing="0")),
        rx.table.cell(kind_badge(row)),
        rx.table.cell(rx.text(row.description, size="2")),
        rx.table.cell(amount_text(row), justify="end"),
        rx.table.cell(rx.text(row.balance_after, size="2", color_scheme="gray", font_variant_numeric="tabular-nums"),
                      justify="end"),
        class_name="ledger-row",
        align="center",
    )


def ledger_table(rows: rx.Var[list[LedgerRow]], *, element_id: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.box(rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Date"),
                    rx.table.column_header_cell("Type"),
                    rx.table.column_header_cell("Description"),
                    rx.table.column_header_cell("Amount", justify="end"),
                    rx.table.column_header_cell("Balance after", justify="end"),
                ),
            ),
            rx.table.body(rx.foreach(rows, ledger_row)),
            variant="ghost",
            size="2",
            width="100%",
            min_width="560px",
            id=element_id,
        ), overflow_x="auto", width="100%"),
        rx.center(
            rx.vstack(
                rx.icon("receipt", size=28, color=rx.color("gray", 8)),
                rx.text("No credit activity yet", color_scheme="gray", size="2"),
                align="center",
            ),
            padding_y="32px",
            width="100%",
        ),
    )
