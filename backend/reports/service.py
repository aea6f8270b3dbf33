"""Report metrics: storing platform data, daily rollups, the dashboard summary, queries, archival.

`report_metrics` keeps what the platforms returned (one row per entity and time bucket, upserted
on re-sync); `metrics_daily` is the per-day rollup that the dashboard and reports read;
`metrics_archive` keeps monthly summaries of data older than 90 days (Property 20).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from backend.errors import ValidationFailed
from backend.models import AdAccount, EntityType, MetricsArchive, MetricsDaily, ReportMetrics

ARCHIVE_AFTER_DAYS = 90
MAX_RANGE_DAYS = 366
METRICS = ("impressions", "clicks", "spend", "conversions", "revenue", "ctr", "cpc", "cpa", "roas")
SORTABLE = ("day", "entity_name", *METRICS)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MetricInput:
    """One platform data point, as adapters and the save_report_metrics tool provide it."""

    ad_account_id: int
    timestamp: datetime
    entity_type: str
    entity_id: str
    entity_name: str
    impressions: int = 0
    clicks: int = 0
    spend: Decimal = Decimal("0")
    conversions: int = 0
    revenue: Decimal = Decimal("0")


@dataclass
class Totals:
    impressions: int = 0
    clicks: int = 0
    spend: Decimal = Decimal("0.00")
    conversions: int = 0
    revenue: Decimal = Decimal("0.00")

    def add(self, other: Totals) -> None:
        self.impressions += other.impressions
        self.clicks += other.clicks
        self.spend += other.spend
        self.conversions += other.conversions
        self.revenue += other.revenue

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0

    @property
    def cpc(self) -> Decimal:
        return (self.spend / self.clicks).quantize(CENT, ROUND_HALF_UP) if self.clicks else Decimal("0.00")

    @property
    def cpa(self) -> Decimal:
        return (self.spend / self.conversions).quantize(CENT, ROUND_HALF_UP) if self.conversions else Decimal("0.00")

    @property
    def roas(self) -> float:
        return float(self.revenue / self.spend) if self.spend else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "impressions": self.impressions, "clicks": self.clicks, "spend": self.spend,
            "conversions": self.conversions, "revenue": self.revenue, "ctr": self.ctr, "cpc": self.cpc,
            "cpa": self.cpa, "roas": self.roas,
        }


def derived(impressions: int, clicks: int, spend: Decimal, conversions: int, revenue: Decimal) -> dict[str, Any]:
    return Totals(impressions, clicks, spend, conversions, revenue).as_dict()


# --- storing (Property 19) -------------------------------------------------------------------


def save_metrics(session: Session, *, user_id: int, rows: list[MetricInput]) -> int:
    """Upsert platform metrics and refresh the daily rollups they touch. Returns rows written."""
    if not rows:
        return 0
    owned = set(session.exec(select(AdAccount.id).where(AdAccount.user_id == user_id)).all())
    touched: set[tuple[int, str, str, date]] = set()
    for row in rows:
        _validate(row, owned)
        stamp = row.timestamp.astimezone(UTC)
        existing = session.exec(
            select(ReportMetrics).where(
                ReportMetrics.ad_account_id == row.ad_account_id,
                ReportMetrics.entity_type == row.entity_type,
                ReportMetrics.entity_id == row.entity_id,
                ReportMetrics.timestamp == stamp,
            )
        ).first()
        record = existing or ReportMetrics(
            timestamp=stamp, user_id=user_id, ad_account_id=row.ad_account_id,
            entity_type=row.entity_type, entity_id=row.entity_id, entity_name=row.entity_name,
        )
        spend = Decimal(row.spend).quantize(CENT)
        revenue = Decimal(row.revenue).quantize(CENT)
        calc = derived(row.impressions, row.clicks, spend, row.conversions, revenue)
        record.entity_name = row.entity_name
        record.impressions, record.clicks, record.conversions = row.impressions, row.clicks, row.conversions
        record.spend, record.revenue = spend, revenue
        record.ctr, record.cpc, record.cpa, record.roas = calc["ctr"], calc["cpc"], calc["cpa"], calc["roas"]
        session.add(record)
        touched.add((row.ad_account_id, row.entity_type, row.entity_id, stamp.date()))
    session.flush()
    for account_id, entity_type, entity_id, day in touched:
        _rollup_day(session, user_id, account_id, entity_type, entity_id, day)
    return len(rows)


def _validate(row: MetricInput, owned: set[int]) -> None:
    problems = {}
    if row.ad_account_id not in owned:
        problems["ad_account_id"] = "not one of your ad accounts"
    if row.entity_type not in EntityType.ALL:
        problems["entity_type"] = f"must be one of {', '.join(EntityType.ALL)}"
    if not row.entity_id or len(row.entity_id) > 128:
        problems["entity_id"] = "required, at most 128 characters"
    if row.timestamp.tzinfo is None:
        problems["timestamp"] = "must include a timezone"
    for name in ("impressions", "clicks", "conversions"):
        if getattr(row, name) < 0:
            problems[name] = "must not be negative"
    for name in ("spend", "revenue"):
        value = Decimal(getattr(row, name))
        if not value.is_finite() or value < 0:
            problems[name] = "must be a non-negative number"
    if problems:
        raise ValidationFailed("Invalid metrics", details={"fields": problems, "entity_id": row.entity_id})


def _rollup_day(session: Session, user_id: int, account_id: int, entity_type: str, entity_id: str, day: date) -> None:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    sums = session.exec(
        select(
            func.coalesce(func.sum(ReportMetrics.impressions), 0),
            func.coalesce(func.sum(ReportMetrics.clicks), 0),
            func.coalesce(func.sum(ReportMetrics.spend), 0),
            func.coalesce(func.sum(ReportMetrics.conversions), 0),
            func.coalesce(func.sum(ReportMetrics.revenue), 0),
            func.max(ReportMetrics.entity_name),
        ).where(
            ReportMetrics.ad_account_id == account_id, ReportMetrics.entity_type == entity_type,
            ReportMetrics.entity_id == entity_id, ReportMetrics.timestamp >= start,
            ReportMetrics.timestamp < start + timedelta(days=1),
        )
    ).one()
    daily = session.exec(
        select(MetricsDaily).where(
            MetricsDaily.ad_account_id == account_id, MetricsDaily.entity_type == entity_type,
            MetricsDaily.entity_id == entity_id, MetricsDaily.day == day,
        )
    ).first() or MetricsDaily(user_id=user_id, ad_account_id=account_id, entity_type=entity_type,
                              entity_id=entity_id, entity_name=sums[5] or entity_id, day=day)
    daily.impressions, daily.clicks = int(sums[0]), int(sums[1])
    daily.spend, daily.conversions, daily.revenue = Decimal(sums[2]), int(sums[3]), Decimal(sums[4])
    daily.entity_name = sums[5] or daily.entity_name
    session.add(daily)
    session.flush()


# --- the dashboard (Property 12) -------------------------------------------------------------


@dataclass
class Summary:
    today: Totals
    yesterday: Totals
    trend: list[dict[str, Any]]  # 7 days, oldest first, zero-filled
    campaigns: list[dict[str, Any]] = field(default_factory=list)

    def change(self, metric: str) -> float | None:
        """Relative change of today vs yesterday; None when yesterday was zero."""
        now, before = getattr(self.today, metric), getattr(self.yesterday, metric)
        if not before:
            return None
        return float((Decimal(str(now)) - Decimal(str(before))) / Decimal(str(before)))


def summary(session: Session, *, user_id: int, today: date | None = None, ad_account_id: int | None = None) -> Summary:
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=6)
    per_day = _daily_totals(session, user_id, first, today, ad_account_id, EntityType.CAMPAIGN)
    trend = []
    for offset in range(7):
        day = first + timedelta(days=offset)
        totals = per_day.get(day, Totals())
        trend.append({"day": day.isoformat(), **totals.as_dict()})
    return Summary(
        today=per_day.get(today, Totals()),
        yesterday=per_day.get(today - timedelta(days=1), Totals()),
        trend=trend,
        campaigns=_campaign_table(session, user_id, today, ad_account_id),
    )


def _daily_totals(
    session: Session, user_id: int, first: date, last: date, ad_account_id: int | None, entity_type: str
) -> dict[date, Totals]:
    query = (
        select(
            MetricsDaily.day,
            func.sum(MetricsDaily.impressions), func.sum(MetricsDaily.clicks), func.sum(MetricsDaily.spend),
            func.sum(MetricsDaily.conversions), func.sum(MetricsDaily.revenue),
        )
        .where(MetricsDaily.user_id == user_id, MetricsDaily.day >= first, MetricsDaily.day <= last,
               MetricsDaily.entity_type == entity_type)
        .group_by(MetricsDaily.day)
    )
    if ad_account_id is not None:
        query = query.where(MetricsDaily.ad_account_id == ad_account_id)
    return {
        row[0]: Totals(int(row[1] or 0), int(row[2] or 0), Decimal(row[3] or 0), int(row[4] or 0), Decimal(row[5] or 0))
        for row in session.exec(query)
    }


def _campaign_table(session: Session, user_id: int, today: date, ad_account_id: int | None) -> list[dict[str, Any]]:
    rows = query_metrics(session, user_id=user_id, since=today - timedelta(days=6), until=today,
                         level=EntityType.CAMPAIGN, ad_account_id=ad_account_id, group_by_day=False,
                         sort="spend", descending=True, limit=100)[0]
    return rows


# --- report queries --------------------------------------------------------------------------


def query_metrics(
    session: Session,
    *,
    user_id: int,
    since: date,
    until: date,
    level: str = EntityType.CAMPAIGN,
    ad_account_id: int | None = None,
    entity_ids: list[str] | None = None,
    group_by_day: bool = True,
    sort: str = "day",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Rows per entity (and day), with derived metrics; sortable and paged. Returns (rows, total)."""
    if until < since:
        raise ValidationFailed("The end date is before the start date", details={"since": str(since), "until": str(until)})
    if (until - since).days >= MAX_RANGE_DAYS:
        raise ValidationFailed(f"A report covers at most {MAX_RANGE_DAYS} days", details={"days": (until - since).days + 1})
    if level not in EntityType.ALL:
        raise ValidationFailed("Unknown level", details={"level": level, "allowed": list(EntityType.ALL)})
    if sort not in SORTABLE:
        raise ValidationFailed("Unknown sort column", details={"sort": sort, "allowed": list(SORTABLE)})
    keys = [MetricsDaily.ad_account_id, MetricsDaily.entity_id]
    if group_by_day:
        keys.insert(0, MetricsDaily.day)
    impressions = func.sum(MetricsDaily.impressions).label("impressions")
    clicks = func.sum(MetricsDaily.clicks).label("clicks")
    spend = func.sum(MetricsDaily.spend).label("spend")
    conversions = func.sum(MetricsDaily.conversions).label("conversions")
    revenue = func.sum(MetricsDaily.revenue).label("revenue")
    name = func.max(MetricsDaily.entity_name).label("entity_name")
    conditions = [MetricsDaily.user_id == user_id, MetricsDaily.entity_type == level,
                  MetricsDaily.day >= since, MetricsDaily.day <= until]
    if ad_account_id is not None:
        conditions.append(MetricsDaily.ad_account_id == ad_account_id)
    if entity_ids:
        conditions.append(col(MetricsDaily.entity_id).in_(entity_ids))
    grouped = select(*keys, name, impressions, clicks, spend, conversions, revenue).where(*conditions).group_by(*keys)
    total = session.exec(select(func.count()).select_from(grouped.subquery())).one()
    derived_sql = {
        "ctr": func.coalesce(clicks * 1.0 / func.nullif(impressions, 0), 0),
        "cpc": func.coalesce(spend / func.nullif(clicks, 0), 0),
        "cpa": func.coalesce(spend / func.nullif(conversions, 0), 0),
        "roas": func.coalesce(revenue / func.nullif(spend, 0), 0),
    }
    order_expr = {"day": MetricsDaily.day if group_by_day else name, "entity_name": name,
                  "impressions": impressions, "clicks": clicks, "spend": spend, "conversions": conversions,
                  "revenue": revenue, **derived_sql}[sort]
    order = [order_expr.desc() if descending else order_expr.asc(), MetricsDaily.entity_id]
    rows = session.exec(grouped.order_by(*order).limit(limit).offset(offset)).all()
    out = []
    for row in rows:
        mapping = row._mapping
        totals = Totals(int(mapping["impressions"] or 0), int(mapping["clicks"] or 0), Decimal(mapping["spend"] or 0),
                        int(mapping["conversions"] or 0), Decimal(mapping["revenue"] or 0))
        item = {"ad_account_id": mapping["ad_account_id"], "entity_type": level, "entity_id": mapping["entity_id"],
                "entity_name": mapping["entity_name"], **totals.as_dict()}
        if group_by_day:
            item["day"] = mapping["day"].isoformat()
        out.append(item)
    return out, int(total)


def raw_metrics(
    session: Session, *, user_id: int, since: datetime, until: datetime, entity_id: str | None = None,
    limit: int = 100, offset: int = 0,
) -> tuple[list[ReportMetrics], int]:
    conditions = [ReportMetrics.user_id == user_id, ReportMetrics.timestamp >= since, ReportMetrics.timestamp < until]
    if entity_id:
        conditions.append(ReportMetrics.entity_id == entity_id)
    total = session.exec(select(func.count()).select_from(ReportMetrics).where(*conditions)).one()
    rows = session.exec(select(ReportMetrics).where(*conditions)
                        .order_by(col(ReportMetrics.timestamp), col(ReportMetrics.id)).limit(limit).offset(offset)).all()
    return list(rows), int(total)


# --- archival (Property 20) ------------------------------------------------------------------


def archive_old_metrics(session: Session, *, today: date | None = None, batch_rows: int = 20_000) -> int:
    """Summarise metrics older than 90 days into monthly archive rows, then delete the originals.

    Idempotent and resumable: a month already archived is merged (sums added) only with rows that
    still exist, and the originals are deleted in the same transaction as the summary is written.
    Works in batches of `batch_rows` daily rows; the job calls it until it returns 0.
    Returns the number of daily rows archived.
    """
    today = today or datetime.now(UTC).date()
    cutoff = today - timedelta(days=ARCHIVE_AFTER_DAYS)
    old = session.exec(
        select(MetricsDaily).where(MetricsDaily.day < cutoff).order_by(col(MetricsDaily.id)).limit(batch_rows)
    ).all()
    if not old:
        return 0
    groups: dict[tuple[int, str, str, date], list[MetricsDaily]] = {}
    for row in old:
        groups.setdefault((row.ad_account_id, row.entity_type, row.entity_id, row.day.replace(day=1)), []).append(row)
    for (account_id, entity_type, entity_id, month), rows in groups.items():
        archive = session.exec(
            select(MetricsArchive).where(
                MetricsArchive.ad_account_id == account_id, MetricsArchive.entity_type == entity_type,
                MetricsArchive.entity_id == entity_id, MetricsArchive.period_start == month,
            )
        ).first()
        if archive is None:
            next_month = (month + timedelta(days=32)).replace(day=1)
            archive = MetricsArchive(user_id=rows[0].user_id, ad_account_id=account_id, entity_type=entity_type,
                                     entity_id=entity_id, entity_name=rows[-1].entity_name, period_start=month,
                                     period_end=next_month - timedelta(days=1))
        for row in rows:
            archive.impressions += row.impressions
            archive.clicks += row.clicks
            archive.spend += row.spend
            archive.conversions += row.conversions
            archive.revenue += row.revenue
            archive.source_rows += 1
        session.add(archive)
    session.flush()
    cutoff_ts = datetime.combine(cutoff, time.min, tzinfo=UTC)
    session.execute(delete(MetricsDaily).where(col(MetricsDaily.id).in_([row.id for row in old])))
    session.execute(delete(ReportMetrics).where(ReportMetrics.timestamp < cutoff_ts))
    return len(old)


def archived(session: Session, *, user_id: int, ad_account_id: int | None = None) -> list[MetricsArchive]:
    query = select(MetricsArchive).where(MetricsArchive.user_id == user_id)
    if ad_account_id is not None:
        query = query.where(MetricsArchive.ad_account_id == ad_account_id)
    return list(session.exec(query.order_by(col(MetricsArchive.period_start), col(MetricsArchive.entity_id))))
