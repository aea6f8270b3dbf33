"""The creative library's drop zone, upload progress, filter bar and thumbnail grid."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library import upload_js
from aae_app.components.library.common import empty_state, field, list_view, pager, text_for
from aae_app.components.library.creatives_views import CreativeCard, UploadRow
from aae_app.i18n import t
from aae_app.state.auth import AuthState
from aae_app.state.creatives import CreativesState
from backend.config import get_settings

UPLOAD_ID = "creative-upload"
ACCEPT = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/gif": [".gif"], "image/webp": [".webp"],
          "video/mp4": [".mp4"], "video/quicktime": [".mov"], "video/webm": [".webm"]}


def drop_zone() -> rx.Component:
    return rx.upload.root(
        rx.vstack(
            rx.center(rx.icon("cloud-upload", size=22, color=rx.color("indigo", 10)), width="48px", height="48px",
                      border_radius="999px", background=rx.color("indigo", 3)),
            rx.text(t("creatives.drop_title"), weight="medium", size="3"),
            rx.text(t("creatives.drop_hint"), size="1", color_scheme="gray", align="center"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        multiple=True,
        accept=ACCEPT,
        max_size=get_settings().max_upload_bytes,
        on_drop=upload_js.stage_files(CreativesState.start_uploads),
        border=f"1.5px dashed {rx.color('indigo', 7)}",
        border_radius="var(--radius-4)",
        background=rx.color("indigo", 2),
        padding="24px",
        width="100%",
        cursor="pointer",
        _hover={"background": rx.color("indigo", 3)},
    )


def upload_row(row: UploadRow) -> rx.Component:
    color = rx.match(row.status, ("done", "green"), ("failed", "red"), "indigo")
    return rx.hstack(
        rx.icon(rx.match(row.status, ("done", "circle-check"), ("failed", "circle-x"), "file-up"), size=18,
                color=rx.color(color, 10)),
        rx.vstack(
            rx.hstack(
                rx.text(row.name, size="2", weight="medium", class_name="upload-name",
                        overflow="hidden", text_overflow="ellipsis", white_space="nowrap", max_width="320px"),
                rx.text(row.size_label, size="1", color_scheme="gray"),
                rx.spacer(),
                rx.badge(text_for("creatives.upload.", row.status), color_scheme=color, variant="soft",
                         class_name="upload-status"),
                width="100%",
                align="center",
            ),
            rx.progress(value=row.progress, max=100, color_scheme=color, size="1", width="100%"),
            rx.cond(row.message != "", rx.text(row.message, size="1", color=rx.color("red", 11))),
            spacing="1",
            width="100%",
        ),
        width="100%",
        align="center",
        spacing="3",
        class_name="upload-row",
    )


def uploads_panel() -> rx.Component:
    return rx.cond(
        CreativesState.uploads.length() > 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(t("creatives.uploads"), weight="medium", size="2"),
                    rx.spacer(),
                    rx.cond(CreativesState.uploads_finished,
                            rx.button(t("creatives.upload.clear"), size="1", variant="ghost", color_scheme="gray",
                                      on_click=CreativesState.clear_finished_uploads)),
                    width="100%",
                ),
                rx.foreach(CreativesState.uploads, upload_row),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="upload-panel",
        ),
    )


def filter_bar() -> rx.Component:
    s = CreativesState
    errors = s.filter_errors
    return rx.vstack(
        rx.flex(
            rx.input(rx.input.slot(rx.icon("search", size=16)), placeholder=t("creatives.search"),
                     value=s.search, on_change=lambda v: s.set_filter("search", v).debounce(350), id="creative-search",
                     flex="1", min_width="220px", size="2"),
            rx.select.root(
                rx.select.trigger(id="filter-type", min_width="130px"),
                rx.select.content(
                    rx.select.item(t("creatives.type.all"), value="all"),
                    rx.select.item(t("creatives.type.image"), value="image"),
                    rx.select.item(t("creatives.type.video"), value="video"),
                ),
                value=s.file_type, on_change=lambda v: s.set_filter("file_type", v),
            ),
            rx.select.root(
                rx.select.trigger(id="filter-style", min_width="140px"),
                rx.select.content(
                    rx.select.item(t("creatives.style.any"), value="any"),
                    rx.foreach(s.styles, lambda style: rx.select.item(style, value=style)),
                ),
                value=s.style, on_change=lambda v: s.set_filter("style", v),
            ),
            rx.select.root(
                rx.select.trigger(id="creative-sort", min_width="150px"),
                rx.select.content(
                    rx.select.item(t("creatives.sort.newest"), value="newest"),
                    rx.select.item(t("creatives.sort.oldest"), value="oldest"),
                    rx.select.item(t("creatives.sort.score"), value="score"),
                ),
                value=s.sort, on_change=lambda v: s.set_filter("sort", v),
            ),
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        rx.grid(
            field(t("creatives.tags"), rx.input(value=s.tags, on_change=lambda v: s.set_filter("tags", v).debounce(400),
                                                 placeholder=t("creatives.tags_hint"), id="filter-tags")),
            field(t("creatives.score_min"), rx.input(value=s.score_min, on_change=lambda v: s.set_filter("score_min", v).debounce(400),
                                                      type="number", min=0, max=100, id="filter-score-min"),
                  errors["score_min"]),
            field(t("creatives.score_max"), rx.input(value=s.score_max, on_change=lambda v: s.set_filter("score_max", v).debounce(400),
                                                      type="number", min=0, max=100, id="filter-score-max"),
                  errors["score_max"]),
            field(t("creatives.from"), rx.input(value=s.created_from, on_change=lambda v: s.set_filter("created_from", v), type="date",
                                                 id="filter-from"), errors["dates"]),
            field(t("creatives.to"), rx.input(value=s.created_to, on_change=lambda v: s.set_filter("created_to", v), type="date",
                                               id="filter-to")),
            columns=rx.breakpoints(initial="2", md="5"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.text(AuthState.texts["creatives.count"].replace("{count}", s.total.to_string()), size="2",
                    color_scheme="gray", id="creative-count"),
            rx.spacer(),
            rx.cond(s.has_filters, rx.button(rx.icon("x", size=14), t("creatives.clear_filters"), size="1",
                                             variant="ghost", color_scheme="gray", on_click=s.clear_filters,
                                             id="clear-filters")),
            width="100%",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def thumbnail(card: CreativeCard) -> rx.Component:
    media = rx.cond(
        card.is_video,
        rx.el.video(src=card.url, muted=True, preload="metadata", plays_inline=True, loop=True,
                    width="100%", height="100%", style={"objectFit": "cover"}),
        rx.el.img(src=card.url, alt=card.name, loading="lazy", width="100%", height="100%",
                  style={"objectFit": "cover"}),
    )
    return rx.box(
        media,
        rx.cond(card.is_video, rx.center(rx.icon("play", size=16, color="white"), position="absolute", top="50%",
                                         left="50%", transform="translate(-50%, -50%)", width="40px", height="40px",
                                         border_radius="999px", background="rgba(0,0,0,0.55)")),
        position="relative",
        width="100%",
        aspect_ratio="4 / 3",
        overflow="hidden",
        background=rx.color("gray", 3),
    )


def creative_card(card: CreativeCard) -> rx.Component:
    return rx.card(
        rx.inset(thumbnail(card), side="top", pb="current"),
        rx.vstack(
            rx.text(card.name, weight="medium", size="2", class_name="creative-name", overflow="hidden",
                    text_overflow="ellipsis", white_space="nowrap", width="100%"),
            rx.hstack(
                rx.badge(text_for("creatives.type.", card.file_type), variant="soft",
                         color_scheme=rx.cond(card.is_video, "violet", "indigo")),
                rx.cond(card.style != "", rx.badge(card.style, variant="outline", color_scheme="gray")),
                rx.spacer(),
                rx.cond(card.score != "", rx.hstack(rx.icon("star", size=12, color=rx.color("amber", 10)),
                                                    rx.text(card.score, size="1", weight="medium"),
                                                    spacing="1", align="center")),
                width="100%",
                align="center",
                spacing="1",
                wrap="wrap",
            ),
            rx.hstack(rx.foreach(card.tags, lambda tag: rx.text("#", tag, size="1", color_scheme="gray")),
                      spacing="2", wrap="wrap", min_height="18px"),
            spacing="2",
            width="100%",
        ),
        on_click=CreativesState.open_details(card.id),
        cursor="pointer",
        class_name="creative-card",
        custom_attrs={"data-id": card.id},
        _hover={"box_shadow": "var(--shadow-3)"},
    )


def loading_grid() -> rx.Component:
    return rx.grid(
        *[rx.card(rx.skeleton(rx.box(aspect_ratio="4 / 3", width="100%"), loading=True),
                  rx.skeleton(rx.text("name"), loading=True, margin_top="12px")) for _ in range(8)],
        columns=rx.breakpoints(initial="2", md="3", lg="4"), spacing="4", width="100%", class_name="loading-state",
    )


def creative_grid() -> rx.Component:
    s = CreativesState
    return list_view(
        loading=s.loading,
        error=s.error,
        empty=s.items.length() == 0,
        on_retry=s.load,
        loading_view=loading_grid(),
        empty_view=rx.cond(
            s.has_filters,
            empty_state("search-x", "creatives.no_match_title", "creatives.no_match_text",
                        rx.button(t("creatives.clear_filters"), variant="soft", on_click=s.clear_filters),
                        element_id="creatives-empty"),
            empty_state("images", "creatives.empty_title", "creatives.empty_text", element_id="creatives-empty"),
        ),
        content=rx.vstack(
            rx.grid(rx.foreach(s.items, creative_card), columns=rx.breakpoints(initial="2", md="3", lg="4"),
                    spacing="4", width="100%", id="creative-grid"),
            rx.cond(s.pages > 1, pager(page=s.page, pages=s.pages, on_previous=s.previous_page,
                                       on_next=s.next_page, element_id="creative-pager")),
            spacing="4",
            width="100%",
        ),
    )
