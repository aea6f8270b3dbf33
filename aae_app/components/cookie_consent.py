"""The cookie consent card, shown on the first visit until the visitor chooses.

Until then only essential cookies exist (the session); the choice lives in local storage (see
`aae_app.state.shell`). Shown on the sign-in page and inside the shell.

It never covers the open chat drawer: on wider screens it moves into the space left of the drawer
(stacking its buttons under the text where that space is narrow); on phones, where the drawer
fills the screen, it waits behind the drawer until the drawer closes.
"""

from __future__ import annotations

import reflex as rx

from aae_app.components.chat_slot import DRAWER_WIDTH
from aae_app.i18n import t
from aae_app.state.shell import ShellState

# Breakpoint positions: initial, xs (30em), sm (48em, the drawer gets its fixed width), md, lg (80em).
BESIDE_CHAT = {
    "z_index": ["30", "30", "50"],
    "left": ["50%", "50%", f"calc((100vw - {DRAWER_WIDTH}) / 2)"],
    "width": ["min(720px, calc(100vw - 32px))", "min(720px, calc(100vw - 32px))",
              f"min(720px, calc(100vw - {DRAWER_WIDTH} - 32px))"],
    "& .cookie-consent-body": {
        "flex_direction": ["column", "column", "column", "column", "row"],
        "align_items": ["stretch", "stretch", "stretch", "stretch", "center"],
    },
}


def cookie_consent() -> rx.Component:
    return rx.cond(
        rx.State.is_hydrated & ShellState.consent_pending,
        rx.card(
            rx.flex(
                rx.hstack(
                    rx.icon("cookie", size=20, color=rx.color("amber", 10), flex_shrink="0"),
                    rx.vstack(
                        rx.text(t("cookies.title"), weight="medium", size="2"),
                        rx.text(t("cookies.text"), size="1", color_scheme="gray"),
                        spacing="1",
                    ),
                    align="start",
                    spacing="3",
                ),
                rx.hstack(
                    rx.button(t("cookies.essential_only"), variant="soft", color_scheme="gray", size="2",
                              on_click=ShellState.essential_cookies_only, id="cookies-essential"),
                    rx.button(t("cookies.accept_all"), size="2", on_click=ShellState.accept_cookies,
                              id="cookies-accept"),
                    spacing="2",
                    flex_shrink="0",
                ),
                direction=rx.breakpoints(initial="column", sm="row"),
                align=rx.breakpoints(initial="stretch", sm="center"),
                gap="16px",
                class_name="cookie-consent-body",
            ),
            id="cookie-consent",
            data_chat_open=rx.cond(ShellState.chat_open, "true", "false"),
            role="region",
            aria_label=t("cookies.title"),
            size="2",
            position="fixed",
            bottom="16px",
            left="50%",
            transform="translateX(-50%)",
            width="min(720px, calc(100vw - 32px))",
            z_index="50",
            box_shadow="var(--shadow-5)",
            transition="left 220ms ease, width 220ms ease",
            style={"&[data-chat-open='true']": BESIDE_CHAT},
        ),
        rx.fragment(),
    )
