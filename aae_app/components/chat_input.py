"""The chat's input row: a single-line box that sends on Enter, the send button, and Stop while a
reply streams."""

from __future__ import annotations

import reflex as rx

from aae_app.i18n import t
from aae_app.state.chat import ChatState


def chat_input() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(name="text", id="chat-input", placeholder=t("chat.placeholder"), size="3", radius="large",
                     auto_complete="off", max_length=4000, flex="1", width="100%"),
            rx.cond(
                ChatState.streaming,
                rx.button(rx.icon("square", size=14), t("chat.stop"), type="button", size="3", color_scheme="red",
                          variant="soft", on_click=ChatState.stop, id="chat-stop"),
                rx.icon_button(rx.icon("send-horizontal", size=18), type="submit", size="3", id="chat-send",
                               aria_label=t("chat.send"), disabled=~ChatState.connected),
            ),
            spacing="2", align="center", width="100%",
        ),
        on_submit=ChatState.send,
        reset_on_submit=True,
        id="chat-form",
        width="100%",
        padding="12px 16px 16px",
        border_top=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
    )
