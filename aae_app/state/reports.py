"""Reports: a date range and a level, chosen metrics, a sortable paged table, charts, CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import reflex as rx

import aae_app.components.library.reports_text  # noqa: F401  (registers the texts)
from aae_app import i18n
from aae_app.components.library.errors import error_text, error_toast
from aae_app.state.auth import AuthState
from backend.db import unit_of_work
from backend.errors import AppError
from backend.reports import service
from backend.reports.service import METRICS, Totals

PAGE_SIZE = 20
PRESETS = ("7", "30", "90")
LEVELS = ("campaign", "adset", "ad")
DEFAULT_METRICS = ["impressions", "clicks", "spend", "conversions", "revenue", "roas"]
CHART_METRICS = ("spend", "revenue", "impressions", "clicks", "conversions")
ALL_ROWS = 100_000  # the CSV and the charts read every row of the query
TOP_ENTITIES = 8


def format_metric(metric: str, value: Any) -> str:
    if metric in ("impressions", "clicks", "conversions"):
        return f"{int(value):,}"
    if metric == "ctr":
        return f"{float(value) * 100:.2f}%"
    if metric == "roas":
        return f"{float(value):.2f}"
    return f"{Decimal(value):,.2f}"


def raw_metric(metric: str, value: Any) -> str:
    """The CSV value: plain numbers, a dot for decimals, no thousands separators."""
    if metric in ("impressions", "clicks", "conversions"):
        return str(int(value))
    if metric in ("ctr", "roas"):
        return f"{float(value):.6f}".rstrip("0").rstrip(".")
    return f"{Decimal(value):.2f}"


def totals_of(rows: list[dict[str, Any]]) -> Totals:
    totals = Totals()
    for row in rows:
        totals.add(Totals(row["impressions"], row["clicks"], Decimal(row["spend"]), row["conversions"],
                          Decimal(row["revenue"])))
    return totals


@dataclass
class ReportQuery:
    since: date
    until: date
    level: str
    by_day: bool
    sort: str
    descending: bool


class ReportsState(AuthState):
    since: str = ""
    until: str = ""
    preset: str = "30"
    level: str = "campaign"
    view: str = "entity"  # entity | day
    metrics: list[str] = list(DEFAULT_METRICS)
    chart_metric: str = "spend"
    sort: str = "spend"
    descending: bool = True
    page: int = 1

    rows: list[dict[str, str]] = []
    total_rows: int = 0
    totals: dict[str, str] = {}
    trend: list[dict[str, Any]] = []
    top: list[dict[str, Any]] = []
    loading: bool = False
    error: str = ""
    date_error: str = ""
    exporting: bool = False

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total_rows // PAGE_SIZE))

    @rx.var
    def by_day(self) -> bool:
        return self.view == "day"

    @rx.var
    def unselected_metrics(self) -> list[str]:
        return [m for m in METRICS if m not in self.metrics]

    def _text(self, key: str) -> str:
        return i18n.translate(key, self.language)

    def _query(self) -> ReportQuery | None:
        try:
            since, until = date.fromisoformat(self.since), date.fromisoformat(self.until)
        except ValueError:
            since = until = None
        if since is None or until is None or until < since or (until - since).days >= service.MAX_RANGE_DAYS:
            self.date_error = self._text("reports.err.dates")
            return None
        self.date_error = ""
        return ReportQuery(since, until, self.level, self.view == "day", self.sort, self.descending)

    def _fetch(self, query: ReportQuery, *, limit: int, offset: int = 0, by_day: bool | None = None,
               sort: str | None = None, descending: bool | None = None) -> tuple[list[dict[str, Any]], int]:
        with unit_of_work() as session:
            return service.query_metrics(
                session, user_id=self.user_id, since=query.since, until=query.until, level=query.level,
                group_by_day=query.by_day if by_day is None else by_day, sort=sort or query.sort,
                descending=query.descending if descending is None else descending, limit=limit, offset=offset)

    def _row(self, item: dict[str, Any]) -> dict[str, str]:
        row = {"entity_name": item["entity_name"], "entity_id": item["entity_id"], "day": item.get("day", "")}
        row.update({m: format_metric(m, item[m]) for m in METRICS})
        return row

    def _reload(self) -> list[rx.event.EventSpec]:
        if self.user_id is None:
            return []
        query = self._query()
        if query is None:
            return []
        try:
            page_rows, self.total_rows = self._fetch(query, limit=PAGE_SIZE, offset=(self.page - 1) * PAGE_SIZE)
            entities, _ = self._fetch(query, limit=ALL_ROWS, by_day=False, sort=self.chart_metric, descending=True)
            daily, _ = self._fetch(query, limit=ALL_ROWS, by_day=True, sort="day", descending=False)
        except AppError as exc:
            self.error = error_text(exc)
            return [error_toast(exc, self.language)]
        self.error = ""
        self.rows = [self._row(item) for item in page_rows]
        totals = totals_of(entities).as_dict()
        self.totals = {m: format_metric(m, totals[m]) for m in METRICS} if entities else {}
        self.top = [{"name": item["entity_name"], "value": float(item[self.chart_metric])}
                    for item in entities[:TOP_ENTITIES]]
        per_day: dict[str, list[dict[str, Any]]] = {}
        for item in daily:
            per_day.setdefault(item["day"], []).append(item)
        points = []
        for offset in range((query.until - query.since).days + 1):
            day = (query.since + timedelta(days=offset)).isoformat()
            day_totals = totals_of(per_day.get(day, [])).as_dict()
            points.append({"day": day[5:], "value": float(day_totals[self.chart_metric])})
        self.trend = points if daily else []
        return []

    @rx.event
    def load(self):
        if not self.since or not self.until:
            self._apply_preset(self.preset)
        self.loading = True
        yield
        toasts = self._reload()
        self.loading = False
        yield toasts

    def _apply_preset(self, preset: str) -> None:
        # Complete days only: the period ends yesterday (today's numbers are still arriving).
        last = datetime.now(UTC).date() - timedelta(days=1)
        days = int(preset) if preset in PRESETS else 30
        self.preset = str(days)
        self.since, self.until = (last - timedelta(days=days - 1)).isoformat(), last.isoformat()

    def _refresh(self, *, first_page: bool = True):
        if first_page:
            self.page = 1
        return self.load()

    @rx.event
    def set_preset(self, value: str | list[str]):
        if isinstance(value, str) and value in PRESETS:
            self._apply_preset(value)
            yield from self._refresh()

    @rx.event
    def set_since(self, value: str):
        self.since, self.preset = value, "custom"
        yield from self._refresh()

    @rx.event
    def set_until(self, value: str):
        self.until, self.preset = value, "custom"
        yield from self._refresh()

    @rx.event
    def set_level(self, value: str):
        if value in LEVELS:
            self.level = value
            yield from self._refresh()

    @rx.event
    def set_view(self, value: str | list[str]):
        if isinstance(value, str) and value in ("entity", "day"):
            self.view = value
            if value == "entity" and self.sort == "day":
                self.sort, self.descending = "spend", True
            yield from self._refresh()

    @rx.event
    def set_chart_metric(self, value: str):
        if value in CHART_METRICS:
            self.chart_metric = value
            yield from self._refresh(first_page=False)

    @rx.event
    def toggle_metric(self, metric: str):
        if metric in self.metrics and len(self.metrics) > 1:
            self.metrics = [m for m in self.metrics if m != metric]
        elif metric in METRICS and metric not in self.metrics:
            self.metrics = [m for m in METRICS if m in self.metrics or m == metric]

    @rx.event
    def sort_by(self, column: str):
        if column not in service.SORTABLE:
            return
        if column == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = column, column not in ("entity_name", "day")
        yield from self._refresh()

    @rx.event
    def previous_page(self):
        self.page = max(1, self.page - 1)
        yield from self.load()

    @rx.event
    def next_page(self):
        self.page = min(self.pages, self.page + 1)
        yield from self.load()

    def csv_text(self, query: ReportQuery) -> str:
        rows, _ = self._fetch(query, limit=ALL_ROWS)
        out = io.StringIO()
        writer = csv.writer(out)
        leading = ["day"] if query.by_day else []
        writer.writerow([*leading, "entity_type", "entity_id", "entity_name", *self.metrics])
        for item in rows:
            writer.writerow([*([item["day"]] if query.by_day else []), item["entity_type"], item["entity_id"],
                             item["entity_name"], *(raw_metric(m, item[m]) for m in self.metrics)])
        return out.getvalue()

    @rx.event(background=True)
    async def download_csv(self):
        """Every row of the current query (not just this page), with the chosen metrics."""
        async with self:
            query = self._query()
            if query is None or self.user_id is None:
                return
            self.exporting = True
        try:
            text = self.csv_text(query)
        except AppError as exc:
            async with self:
                self.exporting = False
            yield error_toast(exc, self.language)
            return
        async with self:
            self.exporting = False
        name = f"report-{query.level}-{query.since.isoformat()}-{query.until.isoformat()}.csv"
        yield rx.download(data=text, filename=name, mime_type="text/csv")
