"""Building blocks shared by the library pages: headers, list states, confirm dialog, fields."""

from __future__ import annotations

import reflex as rx

from aae_app import i18n
from aae_app.i18n import t
from aae_app.state.auth import AuthState

i18n.register({
    "library.retry": ("Try again", "重试"),
    "library.cancel": ("Cancel", "取消"),
    "library.loading": ("Loading…", "加载中…"),
    "library.previous": ("Previous", "上一页"),
    "library.next": ("Next", "下一页"),
    "library.page_of": ("Page {page} of {pages}", "第 {page} / {pages} 页"),
    "library.could_not_load": ("Could not load this list", "无法加载列表"),
})


# The library pages' own CSS: Radix's dialog docked right as a side sheet (focus trap and Esc
# included), and chart ticks in the UI's small size.
LIBRARY_CSS = """
.library-sheet.rt-DialogContent { position: fixed; top: 0; right: 0; height: 100dvh; max-height: 100dvh;
  width: min(480px, 100vw); max-width: 100vw; border-radius: 0; overflow-y: auto;
  animation: library-sheet-in 180ms ease-out; }
@keyframes library-sheet-in { from { transform: translateX(40px); opacity: 0; } to { transform: none; opacity: 1; } }
.library-chart .recharts-cartesian-axis-tick-value { font-size: 11px; fill: var(--gray-10); }
.library-chart .recharts-default-tooltip { color: var(--gray-12); }
"""


def library_style() -> rx.Component:
    return rx.el.style(LIBRARY_CSS)


def text_for(prefix: str, value: rx.Var) -> rx.Var:
    """The translation of a value known only in the browser, e.g. a status: `prefix + value`."""
    return AuthState.texts[prefix + value.to(str)]


def page_header(title_key: str, subtitle_key: str, *actions: rx.Component) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(t(title_key), size="6", weight="bold"),
            rx.text(t(subtitle_key), size="2", color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(*actions, spacing="2", align="center", wrap="wrap"),
        width="100%",
        align=rx.breakpoints(initial="start", md="center"),
        direction=rx.breakpoints(initial="column", md="row"),
        spacing="3",
    )


def icon_tile(icon: str, color: str = "indigo", size: str = "44px") -> rx.Component:
    return rx.center(
        rx.icon(icon, size=20, color=rx.color(color, 10)),
        width=size, height=size, min_width=size, border_radius="12px", background=rx.color(color, 3),
    )


def empty_state(icon: str, title_key: str, text_key: str, *actions: rx.Component, element_id: str = "") -> rx.Component:
    return rx.center(
        rx.vstack(
            icon_tile(icon, "gray", "52px"),
            rx.text(t(title_key), weight="medium", size="3"),
            rx.text(t(text_key), size="2", color_scheme="gray", align="center", max_width="420px"),
            rx.hstack(*actions, spacing="2"),
            align="center",
            spacing="3",
        ),
        padding_y="56px",
        width="100%",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="var(--radius-4)",
        id=element_id or None,
        class_name="empty-state",
    )


def error_state(message: rx.Var, on_retry: rx.event.EventType) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("circle-alert", size=16)),
        rx.flex(
            rx.vstack(
                rx.text(t("library.could_not_load"), weight="medium", size="2"),
                rx.text(message, size="2"),
                spacing="1",
            ),
            rx.spacer(),
            rx.button(rx.icon("rotate-cw", size=14), t("library.retry"), size="1", variant="soft",
                      color_scheme="red", on_click=on_retry),
            width="100%",
            align="center",
            spacing="3",
        ),
        color_scheme="red",
        role="alert",
        width="100%",
        class_name="error-state",
    )


def list_view(*, loading: rx.Var, error: rx.Var, empty: rx.Var, on_retry: rx.event.EventType,
              loading_view: rx.Component, empty_view: rx.Component, content: rx.Component) -> rx.Component:
    """Error first, then loading (only when nothing is shown yet), then empty, then the content."""
    return rx.cond(
        error != "",
        error_state(error, on_retry),
        rx.cond(loading & empty, loading_view, rx.cond(empty, empty_view, content)),
    )


def skeleton_rows(count: int = 5, height: str = "44px") -> rx.Component:
    return rx.vstack(*[rx.skeleton(rx.box(height=height, width="100%"), loading=True) for _ in range(count)],
                     spacing="2", width="100%", class_name="loading-state")


def confirm_dialog(*, open_: rx.Var, title: rx.Var, description: rx.Var, confirm_label: rx.Var,
                   on_confirm: rx.event.EventType, on_cancel: rx.event.EventType, busy: rx.Var | bool = False,
                   element_id: str = "confirm-dialog") -> rx.Component:
    """A destructive action asks first. Controlled by the page's state (open + target)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("library.cancel"), variant="soft", color_scheme="gray",
                                                 on_click=on_cancel)),
                rx.button(confirm_label, color_scheme="red", on_click=on_confirm, loading=busy,
                          id=f"{element_id}-confirm"),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="440px",
            id=element_id,
        ),
        open=open_,
        on_open_change=lambda _open: on_cancel,
    )


def field(label: rx.Var | str, control: rx.Component, error: rx.Var | None = None,
          hint: rx.Var | str | None = None) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", weight="medium", as_="label"),
        control,
        rx.cond(error, rx.text(error, size="1", color=rx.color("red", 11), class_name="field-error"),
                rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment())
        if error is not None else (rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment()),
        spacing="1",
        width="100%",
        align="stretch",
    )


def pager(*, page: rx.Var, pages: rx.Var, on_previous: rx.event.EventType, on_next: rx.event.EventType,
          element_id: str) -> rx.Component:
    label = AuthState.texts["library.page_of"].replace("{page}", page.to_string()).replace("{pages}",
                                                                                           pages.to_string())
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", id=f"{element_id}-label"),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=14), t("library.previous"), size="1", variant="soft",
                  color_scheme="gray", disabled=page <= 1, on_click=on_previous, id=f"{element_id}-previous"),
        rx.button(t("library.next"), rx.icon("chevron-right", size=14), size="1", variant="soft",
                  color_scheme="gray", disabled=page >= pages, on_click=on_next, id=f"{element_id}-next"),
        width="100%",
        align="center",
        spacing="2",
    )
