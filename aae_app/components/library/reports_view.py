"""The reports page's toolbar, headline numbers, charts and the sortable table."""

from __future__ import annotations

import reflex as rx

from aae_app.components.library.common import empty_state, list_view, pager, skeleton_rows, text_for
from aae_app.i18n import t
from aae_app.state.auth import AuthState
from aae_app.state.reports import CHART_METRICS, ReportsState
from backend.reports.service import METRICS

HEADLINE = ("spend", "revenue", "roas", "conversions", "ctr", "cpa")
NUMERIC_ALIGN = "end"


def metric_label(metric: rx.Var | str) -> rx.Var:
    if isinstance(metric, str):
        return t(f"reports.metric.{metric}")
    return text_for("reports.metric.", metric)


def metrics_picker() -> rx.Component:
    s = ReportsState
    return rx.popover.root(
        rx.popover.trigger(rx.button(rx.icon("columns-3", size=14), t("reports.metrics"), variant="soft",
                                     color_scheme="gray", id="metrics-picker")),
        rx.popover.content(
            rx.vstack(
                *[rx.checkbox(t(f"reports.metric.{m}"), checked=s.metrics.contains(m),
                              on_change=s.toggle_metric(m), id=f"metric-{m}")
                  for m in METRICS],
                spacing="2",
            ),
            width="200px",
        ),
    )


def toolbar() -> rx.Component:
    s = ReportsState
    return rx.flex(
        rx.segmented_control.root(
            *[rx.segmented_control.item(t(f"reports.preset.{p}"), value=p) for p in ("7", "30", "90")],
            value=s.preset, on_change=s.set_preset, id="report-preset",
        ),
        rx.hstack(
            rx.input(type="date", value=s.since, on_change=s.set_since, id="report-since", aria_label="from"),
            rx.text("–", color_scheme="gray"),
            rx.input(type="date", value=s.until, on_change=s.set_until, id="report-until", aria_label="to"),
            spacing="2",
            align="center",
        ),
        rx.select.root(
            rx.select.trigger(id="report-level", min_width="140px"),
            rx.select.content(*[rx.select.item(t(f"reports.level.{lv}"), value=lv) for lv in ("campaign", "adset", "ad")]),
            value=s.level, on_change=s.set_level,
        ),
        rx.segmented_control.root(
            rx.segmented_control.item(t("reports.view.entity"), value="entity"),
            rx.segmented_control.item(t("reports.view.day"), value="day"),
            value=s.view, on_change=s.set_view, id="report-view",
        ),
        rx.spacer(),
        metrics_picker(),
        spacing="3",
        wrap="wrap",
        align="center",
        width="100%",
    )


def headline_card(metric: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(t(f"reports.metric.{metric}"), size="1", color_scheme="gray", weight="medium"),
            rx.text(ReportsState.totals[metric], size="6", weight="bold", id=f"headline-{metric}",
                    font_variant_numeric="tabular-nums"),
            spacing="1",
        ),
        size="2",
    )


def headline() -> rx.Component:
    return rx.grid(*[headline_card(m) for m in HEADLINE], columns=rx.breakpoints(initial="2", sm="3", lg="6"),
                   spacing="3", width="100%")


def chart_card(title: rx.Component, chart: rx.Component) -> rx.Component:
    return rx.card(rx.vstack(title, chart, spacing="3", width="100%"), size="2", width="100%", class_name="library-chart")


def trend_chart() -> rx.Component:
    s = ReportsState
    return chart_card(
        rx.hstack(
            rx.text(t("reports.trend"), weight="medium", size="2"),
            rx.spacer(),
            rx.select.root(
                rx.select.trigger(variant="ghost", id="chart-metric"),
                rx.select.content(*[rx.select.item(t(f"reports.metric.{m}"), value=m) for m in CHART_METRICS]),
                value=s.chart_metric, on_change=s.set_chart_metric, size="1",
            ),
            width="100%",
            align="center",
        ),
        rx.recharts.area_chart(
            rx.el.svg.defs(rx.el.svg.linear_gradient(
                rx.el.svg.stop(offset="5%", stop_color=rx.color("indigo", 9), stop_opacity=0.35),
                rx.el.svg.stop(offset="95%", stop_color=rx.color("indigo", 9), stop_opacity=0),
                id="trendFill", x1=0, x2=0, y1=0, y2=1,
            )),
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False, stroke=rx.color("gray", 5)),
            rx.recharts.area(data_key="value", stroke=rx.color("indigo", 9), fill="url(#trendFill)",
                             stroke_width=2, type_="monotone", is_animation_active=False, name=metric_label(s.chart_metric)),
            rx.recharts.x_axis(data_key="day", tick_line=False, axis_line=False, min_tick_gap=24,
                              ),
            rx.recharts.y_axis(tick_line=False, axis_line=False, width=56,),
            rx.recharts.graphing_tooltip(content_style={"background": "var(--color-panel-solid)",
                                                        "border": "1px solid var(--gray-5)", "borderRadius": "8px"}),
            data=s.trend,
            height=240,
            width="100%",
            id="trend-chart",
        ),
    )


def top_chart() -> rx.Component:
    s = ReportsState
    title = AuthState.texts["reports.top"].replace("{metric}", metric_label(s.chart_metric))
    return chart_card(
        rx.text(title, weight="medium", size="2"),
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", horizontal=False, stroke=rx.color("gray", 5)),
            rx.recharts.bar(data_key="value", fill=rx.color("violet", 9), radius=[0, 4, 4, 0], bar_size=16, is_animation_active=False,
                            name=metric_label(s.chart_metric)),
            rx.recharts.x_axis(type_="number", hide=True),
            rx.recharts.y_axis(data_key="name", type_="category", width=150, tick_line=False, axis_line=False,
                              ),
            rx.recharts.graphing_tooltip(content_style={"background": "var(--color-panel-solid)",
                                                        "border": "1px solid var(--gray-5)", "borderRadius": "8px"}),
            data=s.top,
            layout="vertical",
            height=240,
            width="100%",
            id="top-chart",
        ),
    )


def sort_header(column: rx.Var | str, label: rx.Var, *, numeric: bool) -> rx.Component:
    s = ReportsState
    active = s.sort == column
    return rx.table.column_header_cell(
        rx.hstack(
            rx.text(label),
            rx.cond(active, rx.icon(rx.cond(s.descending, "arrow-down", "arrow-up"), size=12),
                    rx.icon("arrow-up-down", size=12, color=rx.color("gray", 8))),
            spacing="1",
            align="center",
            justify=NUMERIC_ALIGN if numeric else "start",
            cursor="pointer",
            on_click=s.sort_by(column),
            class_name="sort-header",
            custom_attrs={"data-column": column},
            white_space="nowrap",
        ),
        justify=NUMERIC_ALIGN if numeric else "start",
    )


def table() -> rx.Component:
    s = ReportsState
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(
                rx.cond(s.by_day, sort_header("day", t("reports.column.day"), numeric=False)),
                sort_header("entity_name", t("reports.column.entity_name"), numeric=False),
                rx.foreach(s.metrics, lambda m: sort_header(m, metric_label(m), numeric=True)),
            )),
            rx.table.body(
                rx.foreach(s.rows, lambda row: rx.table.row(
                    rx.cond(s.by_day, rx.table.cell(row["day"], white_space="nowrap")),
                    rx.table.row_header_cell(row["entity_name"], class_name="entity-name"),
                    rx.foreach(s.metrics, lambda m: rx.table.cell(
                        row[m], justify=NUMERIC_ALIGN, font_variant_numeric="tabular-nums",
                        custom_attrs={"data-metric": m})),
                    class_name="report-row",
                )),
                rx.table.row(
                    rx.cond(s.by_day, rx.table.cell("")),
                    rx.table.row_header_cell(t("reports.total"), font_weight="600"),
                    rx.foreach(s.metrics, lambda m: rx.table.cell(
                        s.totals[m], justify=NUMERIC_ALIGN, font_weight="600", font_variant_numeric="tabular-nums",
                        custom_attrs={"data-metric": m})),
                    id="report-totals",
                    background=rx.color("gray", 2),
                ),
            ),
            variant="surface",
            size="2",
            width="100%",
            id="report-table",
        ),
        overflow_x="auto",
        width="100%",
    )


def report_body() -> rx.Component:
    s = ReportsState
    return list_view(
        loading=s.loading,
        error=s.error,
        empty=s.rows.length() == 0,
        on_retry=s.load,
        loading_view=rx.vstack(rx.grid(*[rx.skeleton(rx.box(height="72px"), loading=True) for _ in range(6)],
                                       columns=rx.breakpoints(initial="2", sm="3", lg="6"), spacing="3",
                                       width="100%"),
                               skeleton_rows(8), spacing="4", width="100%"),
        empty_view=empty_state("chart-no-axes-column", "reports.empty_title", "reports.empty_text",
                               element_id="reports-empty"),
        content=rx.vstack(
            headline(),
            rx.grid(trend_chart(), top_chart(), columns=rx.breakpoints(initial="1", lg="3fr 2fr"), spacing="4",
                    width="100%"),
            table(),
            rx.hstack(
                rx.text(AuthState.texts["reports.rows"].replace("{count}", s.total_rows.to_string()), size="2",
                        color_scheme="gray", id="report-count"),
                rx.spacer(),
                rx.cond(s.pages > 1, pager(page=s.page, pages=s.pages, on_previous=s.previous_page,
                                           on_next=s.next_page, element_id="report-pager")),
                width="100%",
                align="center",
            ),
            spacing="4",
            width="100%",
        ),
    )


def date_error() -> rx.Component:
    return rx.cond(ReportsState.date_error != "",
                   rx.callout.root(rx.callout.icon(rx.icon("calendar-x", size=16)),
                                   rx.callout.text(ReportsState.date_error), color_scheme="amber",
                                   id="report-date-error", width="100%"))

