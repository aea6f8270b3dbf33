"""MCP tools of the reports domain: the dashboard, report queries, storing platform metrics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sqlmodel import Session

from backend.mcp.registry import ToolParams, tool
from backend.reports import service as reports
from backend.reports.schemas import MetricIn, MetricValues, ReportRow, SummaryPublic, TrendPoint
from backend.reports.service import MetricInput

Level = Literal["campaign", "adset", "ad"]
Sort = Literal["day", "entity_name", "impressions", "clicks", "spend", "conversions", "revenue", "ctr", "cpc", "cpa",
               "roas"]


class DashboardParams(ToolParams):
    ad_account_id: int | None = Field(default=None, gt=0, description="Only this ad account")


@tool("get_dashboard_metrics", "Today's and yesterday's spend, revenue, ROAS, CPA, CTR and conversions, the change "
      "versus yesterday, a 7-day trend and the campaign table.", DashboardParams, read_only=True,
      title="Get dashboard metrics")
def get_dashboard_metrics(session: Session, user_id: int, params: DashboardParams) -> dict[str, Any]:
    s = reports.summary(session, user_id=user_id, ad_account_id=params.ad_account_id)
    return SummaryPublic(
        today=MetricValues(**s.today.as_dict()), yesterday=MetricValues(**s.yesterday.as_dict()),
        change={m: s.change(m) for m in ("spend", "revenue", "roas", "cpa", "ctr", "conversions")},
        trend=[TrendPoint(**p) for p in s.trend], campaigns=[ReportRow(**r) for r in s.campaigns],
    ).model_dump(mode="json")


class QueryMetricsParams(ToolParams):
    since: date | None = Field(default=None, description="First day (UTC); default: 6 days before `until`")
    until: date | None = Field(default=None, description="Last day (UTC); default: today")
    level: Level = "campaign"
    ad_account_id: int | None = Field(default=None, gt=0)
    entity_ids: list[str] = Field(default_factory=list, max_length=100)
    group_by_day: bool = True
    sort: Sort = "day"
    descending: bool = False
    limit: int = Field(default=50, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


@tool("query_report_metrics", "Metrics per campaign, ad set or ad (and per day) over a date range, with CTR, CPC, "
      "CPA and ROAS; sortable and paged.", QueryMetricsParams, read_only=True, title="Query report metrics")
def query_report_metrics(session: Session, user_id: int, params: QueryMetricsParams) -> dict[str, Any]:
    until = params.until or datetime.now(UTC).date()
    since = params.since or until - timedelta(days=6)
    rows, total = reports.query_metrics(
        session, user_id=user_id, since=since, until=until, level=params.level, ad_account_id=params.ad_account_id,
        entity_ids=params.entity_ids or None, group_by_day=params.group_by_day, sort=params.sort,
        descending=params.descending, limit=params.limit, offset=params.offset)
    return {"items": [ReportRow(**r).model_dump(mode="json") for r in rows], "total": total,
            "limit": params.limit, "offset": params.offset, "since": since, "until": until}


class SaveMetricsParams(ToolParams):
    rows: list[MetricIn] = Field(min_length=1, max_length=1000,
                                 description="Platform data points; re-saving the same point updates it")


@tool("save_report_metrics", "Store metrics fetched from an ad platform for the user's ad accounts (upserted per "
      "entity and timestamp) and refresh the daily rollups.", SaveMetricsParams, idempotent=True,
      title="Save report metrics")
def save_report_metrics(session: Session, user_id: int, params: SaveMetricsParams) -> dict[str, Any]:
    rows = [MetricInput(**row.model_dump()) for row in params.rows]
    return {"saved": reports.save_metrics(session, user_id=user_id, rows=rows)}
