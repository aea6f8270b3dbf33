"""The chat drawer's slot in the shell.

`chat_drawer()` is the whole right-side drawer (id="chat-drawer"): open while
`ShellState.chat_open` is true, toggled by the top bar's chat button (`ShellState.toggle_chat`)
and closed by `ShellState.close_chat`. The chat feature replaces the body of this function
(message list, input, streaming) and keeps the id and the open/close wiring.
"""

from __future__ import annotations

import reflex as rx

from aae_app.i18n import t
from aae_app.state.shell import ShellState

DRAWER_WIDTH = "420px"


def chat_placeholder() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon("sparkles", size=24, color="white"),
                width="52px", height="52px", border_radius="14px",
                background="linear-gradient(135deg, var(--indigo-9), var(--violet-9))",
            ),
            rx.text(t("chat.getting_ready"), weight="medium", size="3", id="chat-placeholder"),
            rx.text(t("chat.getting_ready_hint"), size="2", color_scheme="gray", align="center", max_width="300px"),
            align="center",
            spacing="3",
        ),
        flex="1",
        width="100%",
    )


def chat_drawer() -> rx.Component:
    open_ = ShellState.chat_open
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.hstack(rx.icon("bot", size=18, color=rx.color("indigo", 10)),
                          rx.heading(t("chat.title"), size="3"), align="center", spacing="2"),
                rx.spacer(),
                rx.icon_button(rx.icon("x", size=16), variant="ghost", color_scheme="gray", size="2",
                               on_click=ShellState.close_chat, aria_label=t("common.close"), id="chat-close"),
                width="100%",
                align="center",
                padding_x="16px",
                height="64px",
                border_bottom=f"1px solid {rx.color('gray', 5)}",
            ),
            chat_placeholder(),
            spacing="0",
            height="100%",
            width="100%",
        ),
        id="chat-drawer",
        role="dialog",
        aria_label=t("chat.title"),
        aria_hidden=rx.cond(open_, "false", "true"),
        position="fixed",
        top="0",
        right="0",
        height="100vh",
        width=["100vw", "100vw", DRAWER_WIDTH],
        background=rx.color("gray", 1),
        border_left=f"1px solid {rx.color('gray', 5)}",
        box_shadow="var(--shadow-5)",
        z_index="40",
        transform=rx.cond(open_, "translateX(0)", "translateX(100%)"),
        visibility=rx.cond(open_, "visible", "hidden"),
        transition="transform 220ms ease, visibility 220ms",
    )
