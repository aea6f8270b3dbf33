"""The details drawer: a large preview (videos play), the editable metadata, delete."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library.common import confirm_dialog, field
from aae_app.i18n import t
from aae_app.state.creatives import CreativesState

def preview() -> rx.Component:
    card = CreativesState.selected
    return rx.box(
        rx.cond(
            card.is_video,
            rx.el.video(src=card.url, controls=True, auto_play=True, muted=True, loop=True, plays_inline=True,
                        id="creative-preview-video", width="100%", style={"maxHeight": "320px", "background": "black"}),
            rx.el.img(src=card.url, alt=card.name, id="creative-preview-image", width="100%",
                      style={"maxHeight": "320px", "objectFit": "contain"}),
        ),
        width="100%",
        border_radius="var(--radius-3)",
        overflow="hidden",
        background=rx.color("gray", 3),
    )


def facts() -> rx.Component:
    card = CreativesState.selected
    return rx.data_list.root(
        rx.data_list.item(rx.data_list.label(t("creatives.file")),
                          rx.data_list.value(rx.text(card.mime_type, " · ", card.size_label, size="2"))),
        rx.data_list.item(rx.data_list.label(t("creatives.created")), rx.data_list.value(card.created)),
        size="1",
    )


def details_form() -> rx.Component:
    s = CreativesState
    errors = s.edit_errors
    return rx.vstack(
        field(t("creatives.name"), rx.input(value=s.edit_name, on_change=lambda v: s.set_edit("name", v), id="edit-name"),
              errors["name"]),
        rx.grid(
            field(t("creatives.style"), rx.input(value=s.edit_style, on_change=lambda v: s.set_edit("style", v), id="edit-style"),
                  errors["style"]),
            field(t("creatives.score"), rx.input(value=s.edit_score, on_change=lambda v: s.set_edit("score", v), type="number",
                                                  min=0, max=100, id="edit-score"),
                  errors["score"], t("creatives.score_hint")),
            columns="2",
            spacing="3",
            width="100%",
        ),
        field(t("creatives.tags"), rx.input(value=s.edit_tags, on_change=lambda v: s.set_edit("tags", v), id="edit-tags"),
              errors["tags"], t("creatives.tags_hint")),
        field(t("creatives.product_url"),
              rx.input(value=s.edit_product_url, on_change=lambda v: s.set_edit("product_url", v), placeholder="https://",
                       id="edit-product-url"),
              errors["product_url"]),
        spacing="3",
        width="100%",
    )


def details_drawer() -> rx.Component:
    s = CreativesState
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.hstack(
                    rx.dialog.title(t("creatives.details"), size="4", margin="0"),
                    rx.spacer(),
                    rx.dialog.close(rx.icon_button(rx.icon("x", size=16), variant="ghost", color_scheme="gray",
                                                   aria_label="close")),
                    width="100%",
                    align="center",
                ),
                preview(),
                rx.hstack(
                    facts(),
                    rx.spacer(),
                    rx.link(rx.button(rx.icon("external-link", size=14), t("creatives.open_file"), size="1",
                                      variant="soft", color_scheme="gray"),
                            href=s.selected.url, is_external=True),
                    width="100%",
                    align="start",
                ),
                rx.separator(size="4"),
                details_form(),
                rx.spacer(),
                rx.hstack(
                    rx.button(rx.icon("trash-2", size=14), t("creatives.delete"), color_scheme="red",
                              variant="soft", on_click=s.ask_delete, id="creative-delete"),
                    rx.spacer(),
                    rx.dialog.close(rx.button(t("creatives.close"), variant="soft", color_scheme="gray")),
                    rx.button(t("creatives.save"), on_click=s.save_details, loading=s.saving, id="creative-save"),
                    width="100%",
                    spacing="2",
                ),
                spacing="4",
                height="100%",
                width="100%",
            ),
            class_name="library-sheet",
            id="creative-drawer",
        ),
        confirm_dialog(
            open_=s.confirm_delete_open, title=t("creatives.delete_title"), description=t("creatives.delete_text"),
            confirm_label=t("creatives.delete"), on_confirm=s.delete_selected, on_cancel=s.cancel_delete,
            busy=s.deleting, element_id="creative-delete-dialog",
        ),
        open=s.drawer_open,
        on_open_change=s.set_drawer_open,
    )
