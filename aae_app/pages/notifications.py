"""/notifications: filters (type, unread only), mark read, mark all read, paging."""

from __future__ import annotations

import reflex as rx

from aae_app.components.status import list_view, page_header
from aae_app.components.tables import pager
from aae_app.i18n import t
from aae_app.pages.template import app_page
from aae_app.state.auth import AuthState
from aae_app.state.notifications import TYPE_FILTERS, NotificationRow, NotificationsState


def filters() -> rx.Component:
    return rx.flex(
        rx.select.root(
            rx.select.trigger(aria_label=t("notifications.filter_type"), min_width="160px",
                              id="notification-type-filter"),
            rx.select.content(*[rx.select.item(t(f"notifications.type.{kind}"), value=kind) for kind in TYPE_FILTERS]),
            value=NotificationsState.type_filter,
            on_change=NotificationsState.set_type_filter,
            size="2",
        ),
        rx.text(
            rx.flex(
                rx.switch(checked=NotificationsState.unread_only, on_change=NotificationsState.set_unread_only,
                          id="unread-only"),
                t("notifications.unread_only"),
                spacing="2", align="center",
            ),
            as_="label", size="2",
        ),
        gap="16px",
        align="center",
        wrap="wrap",
    )


def notification_item(row: NotificationRow) -> rx.Component:
    return rx.hstack(
        rx.center(rx.icon(row.icon, size=16, color=rx.color(row.color, 11)), width="32px", height="32px",
                  border_radius="8px", background=rx.color(row.color, 3), flex_shrink="0"),
        rx.vstack(
            rx.hstack(
                rx.cond(~row.is_read, rx.box(width="8px", height="8px", border_radius="50%",
                                             background=rx.color("indigo", 9), class_name="unread-dot",
                                             flex_shrink="0"), rx.fragment()),
                rx.text(row.title, weight=rx.cond(row.is_read, "regular", "bold"), size="2"),
                align="center", spacing="2",
            ),
            rx.text(row.message, size="2", color_scheme="gray"),
            rx.hstack(
                rx.badge(AuthState.texts[row.type_key], color_scheme=row.color, variant="soft", size="1"),
                rx.badge(rx.cond(row.category_key != "", AuthState.texts[row.category_key], row.category),
                         variant="outline", color_scheme="gray", size="1"),
                rx.text(row.when, size="1", color_scheme="gray"),
                spacing="2", align="center", wrap="wrap",
            ),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.hstack(
            rx.cond(row.action_url != "",
                    rx.button(rx.cond(row.action_text != "", row.action_text, t("common.open")), size="1",
                              variant="soft", on_click=NotificationsState.open(row.id), class_name="open-notification"),
                    rx.fragment()),
            rx.cond(~row.is_read,
                    rx.button(rx.icon("check", size=14), t("notifications.mark_read"), size="1", variant="ghost",
                              on_click=NotificationsState.mark_read(row.id), class_name="mark-read"),
                    rx.fragment()),
            spacing="2", align="center", flex_shrink="0",
        ),
        align="start",
        spacing="3",
        padding="14px 16px",
        width="100%",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        background=rx.cond(row.is_read, "transparent", rx.color("indigo", 2)),
        class_name=rx.cond(row.is_read, "notification-row read", "notification-row unread"),
        data_id=row.id,
    )


@app_page("/notifications", title="Notifications", on_load=[NotificationsState.load])
def notifications() -> rx.Component:
    return rx.vstack(
        page_header(
            t("notifications.title"), t("notifications.subtitle"),
            rx.button(rx.icon("check-check", size=14), t("notifications.mark_all_read"), variant="soft",
                      on_click=NotificationsState.mark_all_read, disabled=AuthState.unread_count == 0,
                      id="mark-all-read"),
        ),
        rx.card(
            rx.vstack(
                filters(),
                list_view(
                    rx.vstack(
                        rx.box(rx.foreach(NotificationsState.rows, notification_item), width="100%",
                               border_top=f"1px solid {rx.color('gray', 4)}", id="notification-list"),
                        pager(NotificationsState.page_label, on_prev=NotificationsState.prev_page,
                              on_next=NotificationsState.next_page, has_prev=NotificationsState.has_prev,
                              has_next=NotificationsState.has_next, element_id="notification-pager"),
                        spacing="3", width="100%",
                    ),
                    loading=NotificationsState.loading,
                    error=NotificationsState.error,
                    empty=NotificationsState.rows.length() == 0,
                    on_retry=NotificationsState.load,
                    empty_icon="bell-off",
                    empty_title=rx.cond(NotificationsState.unread_only | (NotificationsState.type_filter != "all"),
                                        t("notifications.none_matching"), t("notifications.none")),
                    empty_text=t("notifications.none_hint"),
                    element_id="notifications",
                ),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )
