"""/: today vs yesterday, the 7-day trend, AI suggestions and the per-campaign table."""

from __future__ import annotations

import reflex as rx

from aae_app.components.banners import notice
from aae_app.components.charts import trend_chart
from aae_app.components.status import empty_state, error_state, list_view, page_header, skeleton_lines
from aae_app.components.tables import header, numeric_cell, table_shell
from aae_app.i18n import t
from aae_app.pages.template import app_page
from aae_app.state.auth import AuthState
from aae_app.state.dashboard import KPI_METRICS, SCOPE_ACTIVE, SCOPE_ALL, CampaignRow, DashboardState, Kpi, Suggestion

TREND_ICONS = {"up": "trending-up", "down": "trending-down", "flat": "minus"}


def scope_control() -> rx.Component:
    return rx.cond(
        AuthState.accounts.length() > 1,
        rx.segmented_control.root(
            rx.segmented_control.item(t("dashboard.scope_active"), value=SCOPE_ACTIVE),
            rx.segmented_control.item(t("dashboard.scope_all"), value=SCOPE_ALL),
            value=DashboardState.scope,
            on_change=DashboardState.set_scope,
            size="2",
            id="dashboard-scope",
        ),
        rx.fragment(),
    )


def kpi_card(kpi: Kpi) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(AuthState.texts[f"dashboard.kpi.{kpi.metric}"], size="2", color_scheme="gray", weight="medium"),
                rx.spacer(),
                rx.text(t("dashboard.today"), size="1", color_scheme="gray"),
                width="100%", align="center",
            ),
            rx.text(kpi.today, size="6", weight="bold", font_variant_numeric="tabular-nums",
                    id=f"kpi-{kpi.metric}-today", class_name="kpi-today"),
            rx.hstack(
                rx.badge(
                    rx.cond(kpi.change != "—",
                            rx.match(kpi.trend, *[(k, rx.icon(v, size=12)) for k, v in TREND_ICONS.items()],
                                     rx.icon("minus", size=12)),
                            rx.fragment()),
                    rx.text(kpi.change, id=f"kpi-{kpi.metric}-change"),
                    color_scheme=kpi.tone, variant="soft", radius="full",
                ),
                rx.text(t("dashboard.vs_yesterday"), size="1", color_scheme="gray"),
                spacing="2", align="center",
            ),
            rx.text(t("dashboard.yesterday"), " ", rx.text.span(kpi.yesterday, id=f"kpi-{kpi.metric}-yesterday",
                                                                 font_variant_numeric="tabular-nums"),
                    size="1", color_scheme="gray"),
            spacing="2",
        ),
        size="2",
        class_name="kpi-card",
        data_metric=kpi.metric,
    )


def kpi_grid() -> rx.Component:
    return rx.grid(
        rx.cond(
            DashboardState.loading,
            rx.fragment(*[rx.card(skeleton_lines(3, height="18px"), size="2") for _ in KPI_METRICS]),
            rx.foreach(DashboardState.kpis, kpi_card),
        ),
        columns=rx.breakpoints(initial="2", sm="3", lg="5"),
        spacing="4",
        width="100%",
        id="kpi-grid",
    )


def trend_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(rx.heading(t("dashboard.trend"), size="4"),
                          rx.text(t("dashboard.trend_hint"), size="2", color_scheme="gray"), spacing="1"),
                width="100%",
            ),
            rx.cond(
                DashboardState.loading,
                rx.skeleton(height="280px", width="100%", loading=True),
                rx.cond(
                    DashboardState.has_data,
                    trend_chart(DashboardState.trend,
                                areas=[("spend", t("dashboard.kpi.spend"), "indigo"),
                                       ("revenue", t("dashboard.revenue"), "teal")],
                                lines=[("conversions", t("dashboard.kpi.conversions"), "amber")],
                                element_id="trend-chart"),
                    empty_state(icon="chart-line", title=t("dashboard.no_metrics"),
                                text=t("dashboard.no_metrics_hint")),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def suggestion_item(item: Suggestion) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.icon("lightbulb", size=16, color=rx.color("amber", 10), flex_shrink="0", margin_top="2px"),
            rx.vstack(
                rx.text(item.title, weight="medium", size="2"),
                rx.text(item.message, size="2", color_scheme="gray"),
                rx.flex(
                    rx.text(item.when, size="1", color_scheme="gray", white_space="nowrap"),
                    rx.spacer(),
                    rx.hstack(
                        rx.cond(item.action_url != "",
                                rx.link(rx.cond(item.action_text != "", item.action_text, t("common.open")),
                                        href=item.action_url, size="1", weight="medium", white_space="nowrap"),
                                rx.fragment()),
                        rx.link(t("dashboard.dismiss"), size="1", color_scheme="gray", cursor="pointer",
                                white_space="nowrap", on_click=DashboardState.dismiss_suggestion(item.id),
                                class_name="dismiss-suggestion"),
                        spacing="3", align="center",
                    ),
                    width="100%", gap="8px", align="center", wrap="wrap", padding_top="4px",
                ),
                spacing="1", width="100%",
            ),
            align="start", spacing="3", width="100%",
        ),
        padding="12px",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 2),
        width="100%",
        class_name="suggestion",
    )


def suggestions_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("sparkles", size=18, color=rx.color("violet", 10)),
                      rx.heading(t("dashboard.suggestions"), size="4"), align="center", spacing="2"),
            list_view(
                rx.vstack(rx.foreach(DashboardState.suggestions, suggestion_item), spacing="2", width="100%"),
                loading=DashboardState.loading,
                error=DashboardState.suggestions_error,
                empty=DashboardState.suggestions.length() == 0,
                empty_icon="sparkles",
                empty_title=t("dashboard.no_suggestions"),
                empty_text=t("dashboard.no_suggestions_hint"),
                element_id="suggestions",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def campaign_row(row: CampaignRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.name, weight="medium", size="2")),
        numeric_cell(row.spend), numeric_cell(row.impressions), numeric_cell(row.clicks), numeric_cell(row.ctr),
        numeric_cell(row.conversions), numeric_cell(row.cpa), numeric_cell(row.roas),
        class_name="campaign-row", align="center",
    )


def campaigns_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(rx.heading(t("dashboard.campaigns"), size="4"),
                          rx.text(t("dashboard.campaigns_hint"), size="2", color_scheme="gray"), spacing="1"),
                rx.spacer(),
                rx.link(t("dashboard.open_reports"), href="/reports", size="2"),
                width="100%", align="start",
            ),
            list_view(
                table_shell(
                    header(t("dashboard.campaign"), (t("dashboard.kpi.spend"), "end"),
                           (t("dashboard.impressions"), "end"), (t("dashboard.clicks"), "end"),
                           (t("dashboard.kpi.ctr"), "end"), (t("dashboard.kpi.conversions"), "end"),
                           (t("dashboard.kpi.cpa"), "end"), (t("dashboard.kpi.roas"), "end")),
                    rx.table.body(rx.foreach(DashboardState.campaigns, campaign_row)),
                    element_id="campaign-table",
                    min_width="760px",
                ),
                loading=DashboardState.loading,
                error=DashboardState.error,
                empty=DashboardState.campaigns.length() == 0,
                on_retry=DashboardState.load,
                empty_icon="megaphone",
                empty_title=t("dashboard.no_campaigns"),
                empty_text=t("dashboard.no_campaigns_hint"),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def no_accounts() -> rx.Component:
    return rx.card(
        empty_state(icon="plug", title=t("dashboard.connect_title"), text=t("dashboard.connect_text"),
                    action=rx.link(rx.button(rx.icon("plug", size=14), t("shell.connect_account")),
                                   href="/settings?tab=accounts"),
                    element_id="dashboard-no-accounts"),
        size="3", width="100%",
    )


def subtitle() -> rx.Component:
    return rx.text(
        rx.cond(DashboardState.scope_name != "", DashboardState.scope_name, t("dashboard.scope_all")),
        rx.cond(DashboardState.updated_at != "", rx.text.span(" · ", t("dashboard.updated"), " ",
                                                              DashboardState.updated_at), rx.fragment()),
        size="2", color_scheme="gray", id="dashboard-scope-name",
    )


@app_page("/", title="Dashboard", on_load=[DashboardState.load])
def dashboard() -> rx.Component:
    return rx.vstack(
        page_header(rx.text.span(DashboardState.welcome, id="welcome"), subtitle(), scope_control()),
        rx.cond(DashboardState.error != "", error_state(DashboardState.error, on_retry=DashboardState.load),
                rx.fragment()),
        rx.cond(
            AuthState.accounts.length() > 0,
            rx.vstack(
                rx.cond(DashboardState.nothing_today,
                        notice(t("dashboard.nothing_today"), color="gray", icon="clock", element_id="nothing-today"),
                        rx.fragment()),
                kpi_grid(),
                rx.grid(trend_card(), suggestions_card(), columns=rx.breakpoints(initial="1", lg="2fr 1fr"),
                        spacing="4", width="100%", align="start"),
                campaigns_card(),
                spacing="4",
                width="100%",
            ),
            rx.vstack(no_accounts(), suggestions_card(), spacing="4", width="100%"),
        ),
        spacing="5",
        width="100%",
    )
