"""The cookie consent card, shown on the first visit until the visitor chooses.

Until then only essential cookies exist (the session); the choice lives in local storage (see
`aae_app.state.shell`). Shown on the sign-in page and inside the shell.

It never covers the open chat drawer: on wider screens it moves into the space left of the drawer
(stacking its buttons under the text where that space is narrow); on phones, where the drawer
fills the screen, it waits behind the drawer until the drawer closes.

On the sign-in page it is `inline`: part of the page under the sign-in card rather than floating
over it, so it never covers the form (a floating card hid the Sign in button on phones and on
short laptop screens); on phones it is compact there (no title, smaller buttons).
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


# Where it floats (the shell) and where it sits in the page (the sign-in page, under the card).
FLOATING = {
    "position": "fixed",
    "bottom": "16px",
    "left": "50%",
    "transform": "translateX(-50%)",
    "width": "min(720px, calc(100vw - 32px))",
    "z_index": "50",
    "box_shadow": "var(--shadow-5)",
    "transition": "left 220ms ease, width 220ms ease",
}
INLINE = {"position": "relative", "width": "100%", "max_width": "420px", "box_shadow": "var(--shadow-2)"}


def cookie_consent(*, inline: bool = False) -> rx.Component:
    """The card; `inline` puts it in the page's flow (the sign-in page) instead of floating."""
    # Inline it is as narrow as the sign-in card: text above the buttons at every width, and
    # compact on phones (no title, small buttons) so the page stays short.
    compact = rx.breakpoints(initial="1", sm="2") if inline else "2"
    return rx.cond(
        rx.State.is_hydrated & ShellState.consent_pending,
        rx.card(
            rx.flex(
                rx.hstack(
                    rx.icon("cookie", size=20, color=rx.color("amber", 10), flex_shrink="0"),
                    rx.vstack(
                        rx.text(t("cookies.title"), weight="medium", size="2",
                                display=rx.breakpoints(initial="none", sm="block") if inline else "block"),
                        rx.text(t("cookies.text"), size="1", color_scheme="gray"),
                        spacing="1",
                    ),
                    align="start",
                    spacing="3",
                ),
                rx.hstack(
                    rx.button(t("cookies.essential_only"), variant="soft", color_scheme="gray", size=compact,
                              on_click=ShellState.essential_cookies_only, id="cookies-essential"),
                    rx.button(t("cookies.accept_all"), size=compact, on_click=ShellState.accept_cookies,
                              id="cookies-accept"),
                    spacing="2",
                    flex_shrink="0",
                    justify="end",
                ),
                direction="column" if inline else rx.breakpoints(initial="column", sm="row"),
                align="stretch" if inline else rx.breakpoints(initial="stretch", sm="center"),
                gap=rx.breakpoints(initial="10px", sm="16px") if inline else "16px",
                class_name="cookie-consent-body",
            ),
            id="cookie-consent",
            data_inline="true" if inline else "false",
            data_chat_open=rx.cond(ShellState.chat_open, "true", "false"),
            role="region",
            aria_label=t("cookies.title"),
            size=compact,
            **(INLINE if inline else FLOATING),
            style={} if inline else {"&[data-chat-open='true']": BESIDE_CHAT},
        ),
        rx.fragment(),
    )
