"""Credit balance card, credit packages and the ledger table.

- `balance_card(action=)`: total, gifted and purchased balance (ids balance-total/-gifted/-purchased).
- `package_card(package, on_buy=, busy=)`: one credit package with its price and a buy button.
- `ledger_table(rows, element_id=)`: `LedgerEntry` rows (translated type and description).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aae_app.components.tables import header, numeric_cell, table_shell
from aae_app.i18n import t
from aae_app.state.auth import AuthState
from aae_app.state.billing import LedgerEntry, PackageOption


def stat(label: Any, value: rx.Var, *, hint: Any, element_id: str, emphasis: bool = False) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", color_scheme="gray", weight="medium"),
        rx.hstack(
            rx.text(value, size="7" if emphasis else "6", weight="bold", id=element_id,
                    color=rx.color("indigo", 11) if emphasis else None, font_variant_numeric="tabular-nums"),
            rx.text(t("common.credits"), size="2", color_scheme="gray"),
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
                    rx.heading(t("credits.balance"), size="3"),
                    align="center",
                    spacing="2",
                ),
                rx.spacer(),
                action or rx.fragment(),
                width="100%",
                align="center",
            ),
            rx.flex(
                stat(t("credits.total"), balance.total, hint=t("credits.total_hint"), element_id="balance-total",
                     emphasis=True),
                stat(t("credits.gifted"), balance.gifted, hint=t("credits.gifted_hint"),
                     element_id="balance-gifted"),
                stat(t("credits.purchased"), balance.purchased, hint=t("credits.purchased_hint"),
                     element_id="balance-purchased"),
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


def package_card(package: PackageOption, *, on_buy: Any, busy: rx.Var[str]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(rx.cond(package.name_key != "", AuthState.texts[package.name_key], package.name),
                        weight="bold", size="3"),
                rx.spacer(),
                rx.cond(package.popular, rx.badge(t("billing.popular"), color_scheme="indigo", radius="full"),
                        rx.fragment()),
                width="100%",
                align="center",
            ),
            rx.hstack(
                rx.text(package.credits, size="7", weight="bold", font_variant_numeric="tabular-nums"),
                rx.text(t("common.credits"), size="2", color_scheme="gray"),
                align="baseline",
                spacing="2",
            ),
            rx.text(package.price, size="4", weight="medium", color=rx.color("gray", 11)),
            rx.button(
                rx.cond(busy == package.id, rx.spinner(size="1"), rx.icon("shopping-cart", size=14)),
                t("billing.buy"),
                on_click=on_buy,
                disabled=busy != "",
                width="100%",
                variant=rx.cond(package.popular, "solid", "soft"),
                class_name="buy-package",
                data_package=package.id,
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        class_name="package-card",
        border=rx.cond(package.popular, f"1px solid {rx.color('indigo', 8)}", None),
    )


def ledger_row(row: LedgerEntry) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.when, size="2", white_space="nowrap", font_variant_numeric="tabular-nums")),
        rx.table.cell(rx.badge(AuthState.texts[row.type_key], color_scheme=row.color, variant="soft", radius="full")),
        rx.table.cell(rx.text(rx.cond(row.description_key != "", AuthState.texts[row.description_key],
                                      row.description), size="2")),
        numeric_cell(row.amount, weight="medium",
                     color=rx.cond(row.incoming, rx.color("grass", 11), rx.color("gray", 12))),
        numeric_cell(row.balance_after, size="2", color_scheme="gray"),
        class_name="ledger-row",
        align="center",
    )


def ledger_table(rows: rx.Var[list[LedgerEntry]], *, element_id: str) -> rx.Component:
    return table_shell(
        header(t("ledger.date"), t("ledger.type"), t("ledger.description"), (t("ledger.amount"), "end"),
               (t("ledger.balance_after"), "end")),
        rx.table.body(rx.foreach(rows, ledger_row)),
        element_id=element_id,
    )
