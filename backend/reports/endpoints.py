"""/api/v1/reports: report rows, raw metrics (read and save), the dashboard summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import Query

from backend.common.routing import api_router
from backend.auth.dependencies import SessionDep
from backend.common.deps import ApiUser, IsoDate, IsoDateTime, Limit, Offset
from backend.common.schemas import Ok
from backend.errors import ValidationFailed
from backend.reports import service as reports
from backend.reports.schemas import (
    MetricsIn,
    MetricValues,
    RawMetric,
    RawMetricPage,
    ReportPage,
    ReportRow,
    SavedCount,
    SummaryPublic,
    TrendPoint,
)
from backend.reports.service import MetricInput

router = api_router(prefix="/api/v1/reports", tags=["reports"])
Sort = Literal["day", "entity_name", "impressions", "clicks", "spend", "conversions", "revenue", "ctr", "cpc", "cpa",
               "roas"]


def _today() -> date:
    return datetime.now(UTC).date()


@router.get("", response_model=Ok[ReportPage])
def report(
    session: SessionDep, user: ApiUser,
    since: IsoDate | None = None, until: IsoDate | None = None,
    level: Literal["campaign", "adset", "ad"] = "campaign",
    ad_account_id: Annotated[int | None, Query(gt=0)] = None,
    group_by_day: bool = True, sort: Sort = "day", descending: bool = False,
    limit: Limit = 50, offset: Offset = 0,
) -> Ok[ReportPage]:
    """Metrics per entity (and per day), sortable and paged; defaults to the last 7 days."""
    until = until or _today()
    since = since or until - timedelta(days=6)
    rows, total = reports.query_metrics(session, user_id=user.id, since=since, until=until, level=level,
                                        ad_account_id=ad_account_id, group_by_day=group_by_day, sort=sort,
                                        descending=descending, limit=limit, offset=offset)
    return Ok(data=ReportPage(items=[ReportRow(**r) for r in rows], total=total, limit=limit, offset=offset))


@router.get("/metrics", response_model=Ok[RawMetricPage])
def raw_metrics(
    session: SessionDep, user: ApiUser, since: IsoDate | None = None, until: IsoDate | None = None,
    entity_id: Annotated[str | None, Query(max_length=128)] = None, limit: Limit = 100, offset: Offset = 0,
) -> Ok[RawMetricPage]:
    until = until or _today()
    since = since or until - timedelta(days=6)
    if until < since:
        raise ValidationFailed("The end date is before the start date", details={"field": "until"})
    rows, total = reports.raw_metrics(
        session, user_id=user.id, since=datetime.combine(since, time.min, tzinfo=UTC),
        until=datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC), entity_id=entity_id,
        limit=limit, offset=offset)
    return Ok(data=RawMetricPage(items=[RawMetric.model_validate(r) for r in rows], total=total, limit=limit,
                                 offset=offset))


@router.post("/metrics", response_model=Ok[SavedCount])
def save_metrics(body: MetricsIn, session: SessionDep, user: ApiUser) -> Ok[SavedCount]:
    rows = [MetricInput(**row.model_dump()) for row in body.rows]
    return Ok(data=SavedCount(saved=reports.save_metrics(session, user_id=user.id, rows=rows)))


@router.get("/summary", response_model=Ok[SummaryPublic])
def summary(
    session: SessionDep, user: ApiUser, ad_account_id: Annotated[int | None, Query(gt=0)] = None,
) -> Ok[SummaryPublic]:
    """Today and yesterday (spend, ROAS, CPA, CTR, conversions), change vs yesterday, 7-day trend."""
    s = reports.summary(session, user_id=user.id, ad_account_id=ad_account_id)
    return Ok(data=SummaryPublic(
        today=MetricValues(**s.today.as_dict()), yesterday=MetricValues(**s.yesterday.as_dict()),
        change={m: s.change(m) for m in ("spend", "revenue", "roas", "cpa", "ctr", "conversions")},
        trend=[TrendPoint(**p) for p in s.trend], campaigns=[ReportRow(**r) for r in s.campaigns],
    ))
