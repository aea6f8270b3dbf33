"""Campaigns: the table with status and sync badges, row actions, the create/edit form."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library.common import confirm_dialog, empty_state, field, list_view, skeleton_rows, text_for
from aae_app.i18n import t
from aae_app.state.campaigns import CampaignRow, CampaignsState, Option

STATUS_COLORS = (("active", "green"), ("paused", "amber"), ("deleted", "red"), "gray")
SYNC_COLORS = (("synced", "green"), ("failed", "red"), "blue")
SYNC_ICONS = (("synced", "cloud-check"), ("failed", "cloud-alert"), "refresh-cw")


def status_badge(row: CampaignRow) -> rx.Component:
    return rx.badge(rx.box(width="6px", height="6px", border_radius="999px", background="currentColor"),
                    text_for("campaigns.status.", row.status), color_scheme=rx.match(row.status, *STATUS_COLORS),
                    variant="soft", radius="full", class_name="campaign-status")


def sync_badge(row: CampaignRow) -> rx.Component:
    badge = rx.badge(rx.icon(rx.match(row.sync_status, *SYNC_ICONS), size=12),
                     text_for("campaigns.sync.", row.sync_status), color_scheme=rx.match(row.sync_status, *SYNC_COLORS),
                     variant="outline", radius="full", class_name="campaign-sync")
    return rx.cond(row.sync_error != "", rx.tooltip(badge, content=row.sync_error), badge)


def actions(row: CampaignRow) -> rx.Component:
    s = CampaignsState
    busy = s.busy_id == row.id
    return rx.hstack(
        rx.match(
            row.status,
            ("active", rx.button(rx.icon("pause", size=14), t("campaigns.pause"), size="1", variant="soft",
                                 color_scheme="amber", loading=busy, on_click=s.change_status(row.id, "paused"),
                                 class_name="campaign-pause")),
            ("paused", rx.button(rx.icon("play", size=14), t("campaigns.resume"), size="1", variant="soft",
                                 color_scheme="green", loading=busy, on_click=s.change_status(row.id, "active"),
                                 class_name="campaign-resume")),
            rx.button(rx.icon("play", size=14), t("campaigns.activate"), size="1", variant="soft",
                      color_scheme="green", loading=busy, on_click=s.change_status(row.id, "active"),
                      class_name="campaign-activate"),
        ),
        rx.icon_button(rx.icon("pencil", size=14), size="1", variant="soft", color_scheme="gray",
                       on_click=s.open_edit(row.id), class_name="campaign-edit", aria_label="edit"),
        rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="soft", color_scheme="red",
                       on_click=s.ask_delete(row.id), class_name="campaign-delete", aria_label="delete"),
        spacing="2",
        justify="end",
    )


def campaign_row(row: CampaignRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.vstack(
            rx.text(row.name, weight="medium", size="2", class_name="campaign-name"),
            rx.text(text_for("campaigns.objective.", row.objective), " · ", row.account, size="1",
                    color_scheme="gray"),
            rx.cond(row.automation_paused, rx.text(t("campaigns.automation_paused"), size="1",
                                                   color=rx.color("amber", 11))),
            spacing="0",
        )),
        rx.table.cell(status_badge(row)),
        rx.table.cell(sync_badge(row)),
        rx.table.cell(rx.vstack(
            rx.text(row.budget, size="2", weight="medium", font_variant_numeric="tabular-nums"),
            rx.text(rx.cond(row.budget_type == "lifetime", t("campaigns.in_total"), t("campaigns.per_day")),
                    size="1", color_scheme="gray"),
            spacing="0",
        )),
        rx.table.cell(rx.vstack(
            rx.text(row.creatives.to_string(), " ", t("campaigns.creatives_count"), size="1"),
            rx.text(rx.cond(row.landing_page != "", row.landing_page, t("campaigns.no_landing_page")), size="1",
                    color_scheme="gray"),
            spacing="0",
        )),
        rx.table.cell(actions(row)),
        align="center",
        class_name="campaign-row",
        custom_attrs={"data-id": row.id},
    )


def campaigns_table() -> rx.Component:
    s = CampaignsState
    table = rx.box(rx.table.root(
        rx.table.header(rx.table.row(
            *[rx.table.column_header_cell(t(f"campaigns.column.{c}")) for c in
              ("name", "status", "sync", "budget", "assets")],
            rx.table.column_header_cell(""),
        )),
        rx.table.body(rx.foreach(s.rows, campaign_row)),
        variant="surface", width="100%", min_width="820px", id="campaigns-table",
    ), overflow_x="auto", width="100%")
    return list_view(
        loading=s.loading, error=s.error, empty=s.rows.length() == 0, on_retry=s.load,
        loading_view=skeleton_rows(4, "60px"),
        empty_view=rx.cond(
            s.status_filter == "all",
            empty_state("megaphone", "campaigns.empty_title", "campaigns.empty_text",
                        rx.button(rx.icon("plus", size=14), t("campaigns.new"), on_click=s.open_new),
                        element_id="campaigns-empty"),
            empty_state("filter-x", "campaigns.no_match_title", "campaigns.no_match_text",
                        element_id="campaigns-empty"),
        ),
        content=table,
    )


def status_tabs() -> rx.Component:
    s = CampaignsState
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger(t("campaigns.filter.all"), value="all"),
            *[rx.tabs.trigger(t(f"campaigns.status.{st}"), value=st) for st in ("active", "paused", "draft")],
        ),
        value=s.status_filter, on_change=s.set_status_filter, id="campaign-status-tabs",
    )


def creative_choice(option: Option) -> rx.Component:
    s = CampaignsState
    chosen = s.form.creatives.contains(option.value)
    return rx.box(
        rx.cond(option.image != "", rx.el.img(src=option.image, alt=option.label, width="100%", height="56px",
                                              style={"objectFit": "cover", "borderRadius": "6px"}),
                rx.center(rx.icon("film", size=18), height="56px", background=rx.color("gray", 3),
                          border_radius="6px")),
        rx.hstack(rx.checkbox(checked=chosen, size="1"), rx.text(option.label, size="1", overflow="hidden",
                                                                 text_overflow="ellipsis", white_space="nowrap"),
                  spacing="1", align="center", margin_top="6px"),
        on_click=s.toggle_creative(option.value),
        padding="6px",
        border_radius="var(--radius-3)",
        border=rx.cond(chosen, f"2px solid {rx.color('indigo', 9)}", f"2px solid {rx.color('gray', 4)}"),
        cursor="pointer",
        class_name="creative-choice",
        custom_attrs={"data-id": option.value},
    )


def select(name: str, items: rx.Component, **props) -> rx.Component:
    return rx.select.root(rx.select.trigger(width="100%", id=f"campaign-{name}"), rx.select.content(items),
                          value=CampaignsState.form[name], on_change=lambda v: CampaignsState.set_field(name, v),
                          **props)


def text_input(name: str, **props) -> rx.Component:
    return rx.input(value=CampaignsState.form[name], on_change=lambda v: CampaignsState.set_field(name, v),
                    id=f"campaign-{name}", **props)


def campaign_form() -> rx.Component:
    s = CampaignsState
    errors = s.form_errors
    return rx.vstack(
        rx.cond(s.accounts.length() == 0, rx.callout.root(rx.callout.icon(rx.icon("plug", size=16)),
                                                          rx.callout.text(t("campaigns.no_accounts")),
                                                          color_scheme="amber", width="100%")),
        rx.grid(
            field(t("campaigns.ad_account"), select("account", rx.foreach(
                s.accounts, lambda a: rx.select.item(a.label, value=a.value)), disabled=s.editing_id != 0),
                errors["account"]),
            field(t("campaigns.name"), text_input("name"), errors["name"]),
            field(t("campaigns.objective"), select("objective", rx.foreach(
                s.objectives, lambda o: rx.select.item(text_for("campaigns.objective.", o), value=o))),
                errors["objective"]),
            rx.grid(
                field(t("campaigns.budget"), text_input("budget", type="number", min=0, step="0.01",
                                                        placeholder="50.00"), errors["budget"]),
                field(t("campaigns.budget_type"), select("budget_type", rx.fragment(
                    rx.select.item(t("campaigns.budget_type.daily"), value="daily"),
                    rx.select.item(t("campaigns.budget_type.lifetime"), value="lifetime")))),
                columns="2", spacing="3", width="100%",
            ),
            columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
        ),
        rx.text(t("campaigns.targeting"), weight="bold", size="2", margin_top="4px"),
        rx.grid(
            field(t("campaigns.countries"), text_input("countries"), errors["countries"], t("campaigns.countries_hint")),
            field(t("campaigns.age"), rx.hstack(text_input("age_min", type="number", min=13, max=65),
                                                rx.text("–"), text_input("age_max", type="number", min=13, max=65),
                                                align="center", spacing="2"), errors["ages"]),
            field(t("campaigns.genders"), select("gender", rx.fragment(
                *[rx.select.item(t(f"campaigns.gender.{g}"), value=g) for g in ("all", "female", "male")]))),
            field(t("campaigns.interests"), text_input("interests"), None, t("campaigns.interests_hint")),
            columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
        ),
        field(t("campaigns.creatives"), rx.cond(
            s.creative_options.length() > 0,
            rx.grid(rx.foreach(s.creative_options, creative_choice), columns=rx.breakpoints(initial="3", sm="4"),
                    spacing="2", width="100%", max_height="220px", overflow_y="auto", padding="2px"),
            rx.text(t("campaigns.no_creatives"), size="1", color_scheme="gray"),
        ), errors["creatives"]),
        field(t("campaigns.landing_page"), select("landing_page", rx.fragment(
            rx.select.item(t("campaigns.no_landing_page"), value="none"),
            rx.foreach(s.page_options, lambda p: rx.select.item(p.label, value=p.value)))), errors["landing_page"]),
        spacing="3",
        width="100%",
    )


def form_dialog() -> rx.Component:
    s = CampaignsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(s.editing_id != 0, t("campaigns.form_edit"), t("campaigns.form_new"))),
            rx.dialog.description(t("campaigns.form_text"), size="2", color_scheme="gray", margin_bottom="12px"),
            campaign_form(),
            rx.hstack(
                rx.dialog.close(rx.button(t("library.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("campaigns.save"), on_click=s.save, loading=s.saving, id="campaign-save"),
                justify="end", spacing="3", width="100%", margin_top="16px",
            ),
            max_width="680px",
            id="campaign-form",
        ),
        open=s.form_open,
        on_open_change=s.set_form_open,
    )


def delete_confirm() -> rx.Component:
    s = CampaignsState
    return confirm_dialog(
        open_=s.confirm_open, title=t("campaigns.confirm_delete"),
        description=rx.text(rx.text.strong(s.confirm_name), " — ", t("campaigns.confirm_delete_text")),
        confirm_label=t("campaigns.delete"), on_confirm=s.delete_confirmed, on_cancel=s.cancel_delete,
        busy=s.busy_id != 0, element_id="campaign-confirm",
    )

