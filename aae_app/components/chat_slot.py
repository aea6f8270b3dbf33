"""The chat drawer's slot in the shell.

`chat_drawer()` is the whole right-side drawer (id="chat-drawer"): open while
`ShellState.chat_open` is true, toggled by the top bar's chat button (`ShellState.toggle_chat`)
and closed by `ShellState.close_chat`. Its body: the header (connection status, new
conversation, close), the message list (`chat_messages`) and the input (`chat_input`); the
state is `aae_app.state.chat.ChatState`.
"""

from __future__ import annotations

import reflex as rx

from aae_app.components.chat_input import chat_input
from aae_app.components.chat_messages import message_list
from aae_app.i18n import t
from aae_app.state.auth import AuthState
from aae_app.state.chat import ChatState
from aae_app.state.shell import ShellState

DRAWER_WIDTH = "420px"


def status_badge() -> rx.Component:
    return rx.badge(
        rx.box(width="7px", height="7px", border_radius="50%", background=rx.color(ChatState.status_color, 9)),
        AuthState.texts[ChatState.status_key],
        color_scheme=ChatState.status_color, variant="soft", radius="full", size="1", id="chat-status",
        data_state=ChatState.conn_state,
    )


def chat_drawer() -> rx.Component:
    open_ = ShellState.chat_open
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.hstack(rx.icon("bot", size=18, color=rx.color("indigo", 10)),
                          rx.heading(t("chat.title"), size="3"), status_badge(), align="center", spacing="2"),
                rx.spacer(),
                rx.tooltip(rx.icon_button(rx.icon("square-pen", size=16), variant="ghost", color_scheme="gray",
                                          size="2", on_click=ChatState.new_conversation, id="chat-new",
                                          disabled=ChatState.streaming, aria_label=t("chat.new")),
                           content=t("chat.new")),
                rx.icon_button(rx.icon("x", size=16), variant="ghost", color_scheme="gray", size="2",
                               on_click=ShellState.close_chat, aria_label=t("common.close"), id="chat-close"),
                width="100%",
                align="center",
                padding_x="16px",
                height="64px",
                border_bottom=f"1px solid {rx.color('gray', 5)}",
            ),
            # Mounted each time the drawer opens: connect, load history, watch the link.
            rx.cond(open_, rx.box(on_mount=ChatState.open_chat, display="none", id="chat-opened")),
            message_list(),
            chat_input(),
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
