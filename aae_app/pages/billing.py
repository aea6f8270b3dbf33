"""/billing: balance, credit packages (recharge through checkout), the paged ledger."""

from __future__ import annotations

import reflex as rx

from aae_app.components.banners import notice
from aae_app.components.credits import balance_card, ledger_table, package_card
from aae_app.components.status import list_view, page_header, section
from aae_app.components.tables import pager
from aae_app.i18n import t
from aae_app.pages.template import app_page
from aae_app.state.billing import LEDGER_TYPES, BillingState
from backend.config import PaymentsBackend, get_settings


def outcome_notice() -> rx.Component:
    dismiss = rx.icon_button(rx.icon("x", size=14), variant="ghost", color_scheme="gray", size="1",
                             on_click=BillingState.dismiss_outcome, aria_label=t("common.close"))
    return rx.match(
        BillingState.outcome,
        ("paid", notice(rx.text.strong(t("billing.paid_title")), " ", t("billing.paid_text"), color="grass",
                        icon="circle-check", element_id="checkout-paid", action=dismiss)),
        ("canceled", notice(t("billing.canceled_text"), color="gray", icon="circle-x",
                            element_id="checkout-canceled", action=dismiss)),
        rx.fragment(),
    )


def packages_section() -> rx.Component:
    local = get_settings().payments_backend is PaymentsBackend.LOCAL
    return section(
        t("billing.packages"),
        t("billing.packages_local_hint") if local else t("billing.packages_hint"),
        list_view(
            rx.grid(
                rx.foreach(BillingState.packages, lambda p: package_card(
                    p, on_buy=BillingState.recharge(p.id), busy=BillingState.checkout_package)),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="4",
                width="100%",
            ),
            loading=None,
            error=BillingState.error,
            empty=BillingState.packages.length() == 0,
            on_retry=BillingState.load,
            empty_icon="package",
            empty_title=t("billing.no_packages"),
        ),
        element_id="packages",
    )


def type_filter() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=t("billing.filter_type"), min_width="160px", id="ledger-type-filter"),
        rx.select.content(*[rx.select.item(t(f"ledger.type.{kind}"), value=kind) for kind in LEDGER_TYPES]),
        value=BillingState.type_filter,
        on_change=BillingState.set_type_filter,
        size="2",
    )


def ledger_section() -> rx.Component:
    return section(
        t("billing.history"),
        t("billing.history_hint"),
        list_view(
            rx.vstack(
                ledger_table(BillingState.rows, element_id="ledger-table"),
                pager(BillingState.page_label, on_prev=BillingState.prev_page, on_next=BillingState.next_page,
                      has_prev=BillingState.has_prev, has_next=BillingState.has_next, element_id="ledger-pager"),
                spacing="3",
                width="100%",
            ),
            loading=BillingState.loading,
            error=BillingState.error,
            empty=BillingState.rows.length() == 0,
            on_retry=BillingState.load_ledger,
            empty_icon="receipt",
            empty_title=t("billing.no_history"),
            empty_text=t("billing.no_history_hint"),
        ),
        action=type_filter(),
        element_id="ledger",
    )


@app_page("/billing", title="Billing", on_load=[BillingState.load])
def billing() -> rx.Component:
    return rx.vstack(
        page_header(t("billing.title"), t("billing.subtitle")),
        outcome_notice(),
        balance_card(),
        packages_section(),
        ledger_section(),
        spacing="5",
        width="100%",
    )
