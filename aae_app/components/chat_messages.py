"""The chat's message list: bubbles with markdown, tool-call cards, images and videos.

The list is a `column-reverse` scroller, so it stays pinned to the newest message while a reply
streams in, without any script.
"""

from __future__ import annotations

import reflex as rx

from aae_app.i18n import t
from aae_app.i18n.tools import TOOL_NAME_PREFIX
from aae_app.state.auth import AuthState
from aae_app.state.chat import ChatRow, ChatState, MediaItem, ToolCard


def tool_card(card: ToolCard, live: bool = False) -> rx.Component:
    waiting = card.status == "awaiting_approval"
    return rx.box(
        rx.hstack(
            rx.center(rx.icon("wrench", size=13), width="24px", height="24px", border_radius="7px",
                      background=rx.color(card.color, 3), color=rx.color(card.color, 11), flex_shrink="0"),
            # The tool's name in the user's language; its own title when the table has none.
            rx.text(AuthState.texts[TOOL_NAME_PREFIX + card.name] | card.title, size="2", weight="medium",
                    trim="both", class_name="tool-title"),
            rx.spacer(),
            rx.badge(rx.cond(card.status == "running", rx.spinner(size="1"), rx.fragment()),
                     AuthState.texts["chat.tool." + card.status], color_scheme=card.color, variant="soft",
                     radius="full", size="1", class_name="tool-status"),
            align="center", spacing="2", width="100%",
        ),
        # Arguments and summary in the user's language (see ToolCard); as the backend wrote them
        # when there is no translation.
        rx.cond(card.arguments != "",
                rx.code(card.localized_arguments[AuthState.language] | card.arguments, size="1", variant="ghost",
                        color_scheme="gray", style={"white_space": "pre-wrap", "word_break": "break-word"},
                        display="block", margin_top="6px", class_name="tool-arguments")),
        rx.cond(card.summary != "",
                rx.text(card.localized_summary[AuthState.language] | card.summary, size="1", color_scheme="gray",
                        margin_top="4px", class_name="tool-summary")),
        rx.cond(card.error != "", rx.text(card.error, size="1", color_scheme="red", margin_top="4px")),
        rx.cond(card.charged,
                rx.hstack(rx.icon("coins", size=12), rx.text(card.credits, " ", t("chat.credits"), size="1"),
                          spacing="1", align="center", color=rx.color("amber", 11), margin_top="4px",
                          class_name="tool-credits")),
        rx.cond(
            live & waiting,
            rx.hstack(
                rx.button(rx.icon("check", size=14), t("chat.approve"), size="1", color_scheme="green",
                          on_click=ChatState.approve(card.id), class_name="tool-approve"),
                rx.button(rx.icon("x", size=14), t("chat.reject"), size="1", variant="soft", color_scheme="gray",
                          on_click=ChatState.reject(card.id), class_name="tool-reject"),
                spacing="2", margin_top="8px",
            ),
        ),
        class_name="tool-card",
        data_status=card.status,
        padding="10px 12px",
        border_radius="10px",
        border=rx.cond(waiting, f"1px solid {rx.color('amber', 7)}", f"1px solid {rx.color('gray', 5)}"),
        background=rx.cond(waiting, rx.color("amber", 2), rx.color("gray", 2)),
        width="100%",
    )


def media_item(item: MediaItem) -> rx.Component:
    return rx.box(
        rx.cond(
            item.kind == "video",
            rx.el.video(src=item.url, controls=True, preload="metadata", width="100%",
                        style={"border_radius": "10px", "display": "block"}),
            rx.image(src=item.url, alt=item.caption, width="100%", border_radius="10px"),
        ),
        rx.cond(item.caption != "", rx.text(item.caption, size="1", color_scheme="gray", margin_top="4px")),
        class_name="chat-media",
        width="100%",
    )


def _markdown(content) -> rx.Component:
    return rx.markdown(content, class_name="chat-markdown")


def _avatar() -> rx.Component:
    return rx.center(rx.icon("sparkles", size=14, color="white"), width="28px", height="28px",
                     border_radius="9px", flex_shrink="0",
                     background="linear-gradient(135deg, var(--indigo-9), var(--violet-9))")


def _assistant_bubble(*children, class_name: str = "chat-message assistant") -> rx.Component:
    return rx.hstack(
        _avatar(),
        rx.vstack(*children, spacing="2", width="100%", min_width="0", align="start"),
        align="start", spacing="2", width="100%", class_name=class_name,
    )


def message_bubble(row: ChatRow) -> rx.Component:
    user = rx.flex(
        rx.box(
            rx.text(row.content, size="2", style={"white_space": "pre-wrap", "word_break": "break-word"}),
            background=rx.color("indigo", 9), color="white", padding="8px 12px",
            border_radius="14px 14px 4px 14px", max_width="85%",
        ),
        justify="end", width="100%", class_name="chat-message user",
    )
    assistant = _assistant_bubble(
        rx.foreach(row.tool_calls, tool_card),
        rx.cond(row.content != "", rx.box(_markdown(row.content), class_name="chat-text", width="100%")),
        rx.foreach(row.media, media_item),
        rx.hstack(
            rx.text(row.time, size="1", color_scheme="gray"),
            rx.cond(row.status == "stopped", rx.badge(t("chat.stopped"), size="1", color_scheme="gray")),
            rx.cond(row.charged, rx.text("· ", row.credits, " ", t("chat.credits"), size="1", color_scheme="gray")),
            spacing="1", align="center",
        ),
    )
    return rx.cond(row.role == "user", user, assistant)


def live_reply() -> rx.Component:
    """The answer being written: cards (with approval buttons), streamed text, media."""
    return rx.cond(
        ChatState.streaming,
        _assistant_bubble(
            rx.foreach(ChatState.live_cards, lambda card: tool_card(card, live=True)),
            rx.cond(ChatState.live_text != "",
                    rx.box(_markdown(ChatState.live_text), class_name="chat-text", id="chat-live-text",
                           width="100%"),
                    rx.hstack(rx.spinner(size="1"), rx.text(t("chat.thinking"), size="2", color_scheme="gray"),
                              align="center", spacing="2", padding_y="4px")),
            rx.foreach(ChatState.live_media, media_item),
            rx.cond(ChatState.live_error != "", rx.callout(ChatState.live_error, icon="triangle_alert",
                                                           color_scheme="red", size="1", width="100%")),
            class_name="chat-message assistant live",
        ),
    )


def _suggestion(key: str) -> rx.Component:
    return rx.button(t(key), variant="surface", color_scheme="gray", size="2", radius="full",
                     on_click=ChatState.send_text(t(key)), class_name="chat-suggestion")


def welcome() -> rx.Component:
    return rx.vstack(
        rx.center(rx.icon("sparkles", size=24, color="white"), width="52px", height="52px", border_radius="14px",
                  background="linear-gradient(135deg, var(--indigo-9), var(--violet-9))"),
        rx.text(t("chat.welcome"), weight="medium", size="4"),
        rx.text(t("chat.welcome_hint"), size="2", color_scheme="gray", align="center", max_width="320px"),
        rx.flex(_suggestion("chat.suggest.balance"), _suggestion("chat.suggest.performance"),
                _suggestion("chat.suggest.campaigns"), wrap="wrap", gap="8px", justify="center",
                margin_top="8px"),
        align="center", spacing="3", padding="32px 8px", id="chat-welcome", margin_y="auto",
    )


def message_list() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.cond(ChatState.is_empty, welcome()),
            rx.foreach(ChatState.messages, message_bubble),
            live_reply(),
            # flex_shrink 0: taller than the drawer, the list overflows its scroller (which then
            # scrolls, pinned to the newest) instead of being squeezed to the drawer's height with
            # the newest messages cut off out of reach.
            spacing="4", width="100%", padding="16px", min_height="100%", flex_shrink="0",
        ),
        id="chat-messages",
        flex="1",
        width="100%",
        overflow_y="auto",
        display="flex",
        flex_direction="column-reverse",
        min_height="0",
    )
