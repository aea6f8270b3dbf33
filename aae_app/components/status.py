"""Shared building blocks for every page: list states, confirmations, form errors, headers.

Reuse these instead of hand-rolling them (all texts go through `aae_app.i18n.t`):

- `list_view(content, loading=, error=, empty=, on_retry=, empty_icon=, empty_title=, empty_text=)`:
  a list's three other faces. `loading`/`error`/`empty` are Vars (bool, str, bool;
  `loading=None` when the list arrives with the page); the content shows when none applies. `loading_state()`, `error_state(message, on_retry)` and
  `empty_state(icon, title, text, action)` are the pieces.
- `confirm_dialog(trigger, title=, description=, confirm_label=, on_confirm=, color=, element_id=)`:
  every destructive action goes through it (an alert dialog; Cancel is the default focus).
- `field_error(message_var)`: the red line under an input; renders nothing for "".
- `page_header(title, subtitle, *actions)` and `section(title, description, *children)`:
  the page's heading row and a titled card.
- `skeleton_lines(n)`: placeholder bars while something loads.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aae_app.i18n import t


def loading_state(*, element_id: str | None = None) -> rx.Component:
    return rx.center(
        rx.hstack(rx.spinner(size="2"), rx.text(t("common.loading"), size="2", color_scheme="gray"),
                  align="center", spacing="2"),
        padding_y="40px", width="100%", id=element_id, class_name="list-loading",
    )


def skeleton_lines(count: int = 3, *, height: str = "20px") -> rx.Component:
    return rx.vstack(*[rx.skeleton(height=height, width="100%", loading=True) for _ in range(count)],
                     spacing="3", width="100%")


def empty_state(*, icon: str, title: Any, text: Any = None, action: rx.Component | None = None,
                element_id: str | None = None) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(rx.icon(icon, size=22, color=rx.color("gray", 10)), width="48px", height="48px",
                      border_radius="12px", background=rx.color("gray", 3)),
            rx.text(title, weight="medium", size="3", align="center"),
            rx.text(text, size="2", color_scheme="gray", align="center", max_width="420px") if text is not None
            else rx.fragment(),
            action or rx.fragment(),
            align="center",
            spacing="2",
        ),
        padding_y="40px", width="100%", id=element_id, class_name="list-empty",
    )


def error_state(message: Any, *, on_retry: Any = None, element_id: str | None = None) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("circle-alert", size=16)),
        rx.callout.text(
            rx.text.strong(t("common.load_failed")), " ", message, " ",
            rx.link(t("common.retry"), on_click=on_retry, cursor="pointer", weight="medium")
            if on_retry is not None else rx.fragment(),
        ),
        color_scheme="red", role="alert", width="100%", id=element_id, class_name="list-error",
    )


def list_view(
    content: rx.Component,
    *,
    loading: rx.Var[bool] | None,
    error: rx.Var[str],
    empty: rx.Var[bool],
    on_retry: Any = None,
    empty_icon: str = "inbox",
    empty_title: Any = None,
    empty_text: Any = None,
    empty_action: rx.Component | None = None,
    element_id: str | None = None,
) -> rx.Component:
    """Loading first, then an error, then empty, else the content."""
    body = rx.cond(
        error != "",
        error_state(error, on_retry=on_retry),
        rx.cond(empty, empty_state(icon=empty_icon, title=empty_title if empty_title is not None
                                   else t("common.nothing_here"), text=empty_text, action=empty_action), content),
    )
    if loading is not None:
        body = rx.cond(loading, loading_state(), body)
    return rx.box(body, width="100%", id=element_id)


def confirm_dialog(
    trigger: rx.Component,
    *,
    title: Any,
    description: Any,
    confirm_label: Any,
    on_confirm: Any,
    color: str = "red",
    element_id: str | None = None,
    extra: rx.Component | None = None,
    confirm_disabled: Any = False,
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            extra or rx.fragment(),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(confirm_label, color_scheme=color, on_click=on_confirm,
                                                 disabled=confirm_disabled, class_name="confirm-action")),
                spacing="3", margin_top="16px", justify="end",
            ),
            max_width="440px",
            id=element_id,
        ),
    )


def field_error(message: rx.Var[str], *, element_id: str | None = None) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, size="1", color=rx.color("red", 11), id=element_id, class_name="field-error"),
        rx.fragment(),
    )


def form_field(label: Any, control: rx.Component, *, error: rx.Var[str] | None = None, hint: Any = None,
               html_for: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=html_for),
        control,
        field_error(error) if error is not None else rx.fragment(),
        rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment(),
        spacing="1",
        width="100%",
    )


def page_header(title: Any, subtitle: Any = None, *actions: rx.Component) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(title, size="6", weight="bold"),
            rx.text(subtitle, size="2", color_scheme="gray") if subtitle is not None else rx.fragment(),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(*actions, spacing="2", align="center", wrap="wrap"),
        width="100%",
        align=rx.breakpoints(initial="start", sm="end"),
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="12px",
    )


def section(title: Any, description: Any, *children: rx.Component, action: rx.Component | None = None,
            element_id: str | None = None) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.heading(title, size="4"),
                    rx.text(description, size="2", color_scheme="gray") if description is not None else rx.fragment(),
                    spacing="1",
                    flex="1",
                ),
                action or rx.fragment(),
                width="100%",
                align=rx.breakpoints(initial="stretch", sm="start"),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap="12px",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id=element_id,
    )
