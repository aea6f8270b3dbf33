"""Landing pages: the list, the create-from-template dialog, the editor with its sandboxed preview."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library.common import confirm_dialog, empty_state, field, list_view, text_for
from aae_app.i18n import t
from aae_app.state.landing_pages import LandingPagesState, PageRow
from backend.landing_pages.service import TEMPLATES

STATUS_COLORS = (("published", "green"), ("archived", "gray"), "amber")


def status_badge(status: rx.Var, **props) -> rx.Component:
    return rx.badge(text_for("landing.status.", status), color_scheme=rx.match(status, *STATUS_COLORS),
                    variant="soft", radius="full", **props)


def public_link(url: rx.Var, **props) -> rx.Component:
    return rx.cond(
        url != "",
        rx.link(rx.hstack(rx.icon("globe", size=14), rx.text(url, size="1", overflow="hidden",
                                                              text_overflow="ellipsis", white_space="nowrap",
                                                              max_width="260px"),
                          spacing="1", align="center"),
                href=url, is_external=True, **props),
        rx.text(t("landing.not_published"), size="1", color_scheme="gray"),
    )


def row_actions(row: PageRow) -> rx.Component:
    s = LandingPagesState
    return rx.hstack(
        rx.cond(row.status != "archived",
                rx.button(rx.icon("pencil", size=14), t("landing.edit"), size="1", variant="soft",
                          on_click=s.edit(row.id), class_name="page-edit")),
        rx.spacer(),
        rx.dropdown_menu.root(
            rx.dropdown_menu.trigger(rx.icon_button(rx.icon("ellipsis", size=16), size="1", variant="ghost",
                                                    color_scheme="gray", class_name="page-menu",
                                                    aria_label="actions")),
            rx.dropdown_menu.content(
                rx.match(
                    row.status,
                    ("draft", rx.fragment(
                        rx.dropdown_menu.item(rx.icon("rocket", size=14), t("landing.publish"),
                                              on_click=s.publish(row.id), class_name="page-publish"),
                        rx.dropdown_menu.item(rx.icon("archive", size=14), t("landing.archive"),
                                              on_click=s.ask("archive", row.id), class_name="page-archive"),
                    )),
                    ("published", rx.fragment(
                        rx.dropdown_menu.item(rx.icon("rocket", size=14), t("landing.republish"),
                                              on_click=s.publish(row.id), class_name="page-publish"),
                        rx.dropdown_menu.item(rx.icon("eye-off", size=14), t("landing.unpublish"),
                                              on_click=s.ask("unpublish", row.id), class_name="page-unpublish"),
                        rx.dropdown_menu.item(rx.icon("archive", size=14), t("landing.archive"),
                                              on_click=s.ask("archive", row.id), class_name="page-archive"),
                    )),
                    rx.dropdown_menu.item(rx.icon("archive-restore", size=14), t("landing.restore"),
                                          on_click=s.restore(row.id), class_name="page-restore"),
                ),
                rx.dropdown_menu.separator(),
                rx.dropdown_menu.item(rx.icon("trash-2", size=14), t("landing.delete"), color="red",
                                      on_click=s.ask("delete", row.id), class_name="page-delete"),
            ),
        ),
        spacing="2",
        width="100%",
        align="center",
    )


def thumbnail(row: PageRow) -> rx.Component:
    """The page itself at a quarter of its size, in the same script-less sandbox as the preview."""
    return rx.box(
        rx.cond(
            row.thumbnail_html != "",
            rx.el.iframe(src_doc=row.thumbnail_html, sandbox="", title=row.name, loading="lazy", tab_index=-1,
                         style={"width": "400%", "height": "400%", "border": "0", "transform": "scale(0.25)",
                                "transformOrigin": "0 0", "pointerEvents": "none", "background": "white"}),
            rx.center(rx.icon("panels-top-left", size=28, color=rx.color("gray", 8)), height="100%"),
        ),
        position="relative", width="100%", aspect_ratio="16 / 10", overflow="hidden",
        background=rx.color("gray", 3), border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def page_card(row: PageRow) -> rx.Component:
    return rx.card(
        rx.inset(thumbnail(row), side="top", pb="current"),
        rx.vstack(
            rx.hstack(
                rx.text(row.name, weight="medium", size="3", class_name="page-name", overflow="hidden",
                        text_overflow="ellipsis", white_space="nowrap"),
                rx.spacer(),
                status_badge(row.status, class_name="page-status"),
                width="100%", align="center",
            ),
            rx.text(row.product_url, size="1", color_scheme="gray", overflow="hidden", text_overflow="ellipsis",
                    white_space="nowrap", width="100%"),
            rx.hstack(
                rx.badge(text_for("landing.template.", row.template), variant="surface", color_scheme="gray"),
                rx.badge(text_for("landing.language.", row.language), variant="outline", color_scheme="gray"),
                rx.text(row.updated, size="1", color_scheme="gray"),
                spacing="2", align="center", wrap="wrap",
            ),
            public_link(row.url, class_name="page-url"),
            rx.separator(size="4"),
            row_actions(row),
            spacing="2",
            width="100%",
            align="stretch",
        ),
        class_name="page-row",
        custom_attrs={"data-id": row.id},
    )


def pages_table() -> rx.Component:
    s = LandingPagesState
    grid = rx.grid(rx.foreach(s.pages, page_card), columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                   spacing="4", width="100%", id="pages-grid")
    return list_view(
        loading=s.loading, error=s.error, empty=s.pages.length() == 0, on_retry=s.load,
        loading_view=rx.grid(*[rx.skeleton(rx.box(height="260px"), loading=True) for _ in range(3)],
                             columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%",
                             class_name="loading-state"),
        empty_view=rx.cond(
            s.status_filter == "all",
            empty_state("panels-top-left", "landing.empty_title", "landing.empty_text",
                        rx.button(rx.icon("plus", size=14), t("landing.new"), on_click=s.open_create),
                        element_id="pages-empty"),
            empty_state("filter-x", "landing.no_match_title", "landing.no_match_text", element_id="pages-empty"),
        ),
        content=grid,
    )


def status_tabs() -> rx.Component:
    s = LandingPagesState
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger(t("landing.filter.all"), value="all"),
            *[rx.tabs.trigger(t(f"landing.status.{st}"), value=st) for st in ("draft", "published", "archived")],
        ),
        value=s.status_filter, on_change=s.set_status_filter, id="page-status-tabs",
    )


def template_choice(name: str) -> rx.Component:
    style = TEMPLATES[name]
    return rx.radio_cards.item(
        rx.vstack(
            rx.box(rx.box(width="40%", height="8px", border_radius=style["radius"], background=style["accent"]),
                   width="100%", height="44px", padding="10px", border_radius="6px", background=style["background"],
                   border="1px solid var(--gray-5)"),
            rx.text(t(f"landing.template.{name}"), weight="medium", size="2"),
            rx.text(t(f"landing.template.{name}_hint"), size="1", color_scheme="gray"),
            spacing="1",
            width="100%",
            align="start",
        ),
        value=name,
        id=f"template-{name}",
    )


def create_dialog() -> rx.Component:
    s = LandingPagesState
    errors = s.create_errors
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("landing.create_title")),
            rx.dialog.description(t("landing.create_text"), size="2", color_scheme="gray", margin_bottom="16px"),
            rx.vstack(
                field(t("landing.name"), rx.input(value=s.new_name, on_change=s.set_new_name, id="new-page-name"),
                      errors["name"]),
                field(t("landing.product_url"), rx.input(value=s.new_product_url, on_change=s.set_new_product_url,
                                                         placeholder="https://", id="new-page-url"),
                      errors["product_url"]),
                field(t("landing.template"), rx.radio_cards.root(*[template_choice(n) for n in TEMPLATES],
                                                                 value=s.new_template, on_value_change=s.set_new_template,
                                                                 columns="3", spacing="2", width="100%")),
                field(t("landing.language"), rx.segmented_control.root(
                    rx.segmented_control.item(t("landing.language.en"), value="en"),
                    rx.segmented_control.item(t("landing.language.zh"), value="zh"),
                    value=s.new_language, on_change=s.set_new_language, id="new-page-language",
                )),
                rx.hstack(
                    rx.dialog.close(rx.button(t("library.cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("landing.create"), on_click=s.create_page, loading=s.creating, id="create-page"),
                    justify="end",
                    spacing="3",
                    width="100%",
                    margin_top="8px",
                ),
                spacing="4",
                width="100%",
            ),
            max_width="560px",
            id="create-page-dialog",
        ),
        open=s.create_open,
        on_open_change=s.set_create_open,
    )


def confirm() -> rx.Component:
    s = LandingPagesState
    return confirm_dialog(
        open_=s.confirm_open,
        title=text_for("landing.confirm.", s.confirm_kind),
        description=text_for("landing.confirm.", s.confirm_kind + "_text"),
        confirm_label=text_for("landing.", s.confirm_kind),
        on_confirm=s.confirm, on_cancel=s.cancel_confirm, busy=s.busy, element_id="page-confirm",
    )


def editor_toolbar() -> rx.Component:
    s = LandingPagesState
    page = s.current
    return rx.flex(
        rx.button(rx.icon("arrow-left", size=14), t("landing.back"), variant="ghost", color_scheme="gray",
                  on_click=s.close_editor, id="editor-back"),
        rx.vstack(
            rx.hstack(rx.heading(page.name, size="4"), status_badge(page.status, id="editor-status"),
                      spacing="2", align="center"),
            public_link(page.url, id="editor-public-url"),
            spacing="1",
        ),
        rx.cond(page.url != "", rx.hstack(
            rx.tooltip(rx.icon_button(rx.icon("copy", size=14), size="1", variant="ghost", color_scheme="gray",
                                      on_click=s.copy_link(page.url), aria_label="copy", id="editor-copy-url"),
                       content=t("landing.copy")),
            rx.link(rx.button(rx.icon("external-link", size=14), t("landing.open"), size="1", variant="soft",
                              color_scheme="gray"), href=page.url, is_external=True),
            spacing="2", align="center",
        )),
        rx.spacer(),
        rx.text(rx.cond(s.dirty, t("landing.unsaved"), t("landing.all_saved")), size="1", color_scheme="gray",
                id="editor-save-state"),
        rx.button(rx.icon("save", size=14), t("landing.save"), variant="soft", on_click=s.save,
                  loading=s.saving, disabled=~s.dirty, id="editor-save"),
        rx.cond(page.status == "published",
                rx.button(rx.icon("eye-off", size=14), t("landing.unpublish"), variant="soft", color_scheme="gray",
                          on_click=s.ask("unpublish", page.id), id="editor-unpublish")),
        rx.button(rx.icon("rocket", size=14), rx.cond(page.status == "published", t("landing.republish"),
                                                       t("landing.publish")),
                  on_click=s.publish(page.id), loading=s.busy, id="editor-publish"),
        spacing="3",
        align="center",
        wrap="wrap",
        width="100%",
    )


def editor() -> rx.Component:
    s = LandingPagesState
    return rx.vstack(
        editor_toolbar(),
        rx.grid(
            rx.card(rx.vstack(
                rx.text(t("landing.html"), weight="medium", size="2"),
                rx.text_area(value=s.html, on_change=s.set_html.debounce(300), id="html-editor",
                             spell_check=False, font_family="var(--code-font-family)", font_size="12px",
                             height="68vh", resize="none", width="100%"),
                spacing="2", width="100%",
            ), width="100%"),
            rx.card(rx.vstack(
                rx.hstack(
                    rx.text(t("landing.preview"), weight="medium", size="2"),
                    rx.text(t("landing.preview_note"), size="1", color_scheme="gray"),
                    rx.spacer(),
                    rx.segmented_control.root(
                        rx.segmented_control.item(rx.icon("monitor", size=14), value="desktop"),
                        rx.segmented_control.item(rx.icon("smartphone", size=14), value="mobile"),
                        value=s.preview_mode, on_change=s.set_preview_mode, size="1",
                    ),
                    width="100%", align="center", spacing="2",
                ),
                rx.center(
                    rx.el.iframe(src_doc=s.html, sandbox="", title="preview", id="landing-preview",
                                 width=rx.cond(s.preview_mode == "mobile", "390px", "100%"), height="100%",
                                 style={"border": "1px solid var(--gray-5)", "borderRadius": "8px",
                                        "background": "white"}),
                    height="68vh", width="100%",
                ),
                spacing="2", width="100%",
            ), width="100%"),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
        id="page-editor",
    )
