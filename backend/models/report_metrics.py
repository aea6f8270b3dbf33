from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Date, Float, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.base import count_field, fk_field, id_field, money_field, str_field, time_field


class EntityType:
    CAMPAIGN = "campaign"
    ADSET = "adset"
    AD = "ad"
    ALL = ("campaign", "adset", "ad")


class ReportMetrics(SQLModel, table=True):
    """Metrics as fetched from a platform, one row per entity and time bucket."""

    __tablename__ = "report_metrics"
    __table_args__ = (
        UniqueConstraint("ad_account_id", "entity_type", "entity_id", "timestamp"),
        Index("ix_report_metrics_user_timestamp", "user_id", "timestamp"),
    )

    id: int | None = id_field()
    timestamp: datetime = time_field(nullable=False, index=True)
    user_id: int = fk_field("users.id")
    ad_account_id: int = fk_field("ad_accounts.id")
    entity_type: str = str_field(20)
    entity_id: str = str_field(128, index=True)
    entity_name: str = str_field(255)
    impressions: int = count_field()
    clicks: int = count_field()
    spend: Decimal = money_field()
    conversions: int = count_field()
    revenue: Decimal = money_field()
    ctr: float = Field(default=0.0, sa_column=Column(Float(), nullable=False))
    cpc: Decimal = money_field()
    cpa: Decimal = money_field()
    roas: float = Field(default=0.0, sa_column=Column(Float(), nullable=False))
    created_at: datetime = time_field(nullable=False, default_now=True)


class MetricsDaily(SQLModel, table=True):
    """Daily rollup per user/account/entity/day: what the dashboard and reports read."""

    __tablename__ = "metrics_daily"
    __table_args__ = (
        UniqueConstraint("ad_account_id", "entity_type", "entity_id", "day"),
        Index("ix_metrics_daily_user_day", "user_id", "day"),
    )

    id: int | None = id_field()
    user_id: int = fk_field("users.id", index=False)
    ad_account_id: int = fk_field("ad_accounts.id")
    entity_type: str = str_field(20)
    entity_id: str = str_field(128)
    entity_name: str = str_field(255)
    day: date = Field(sa_column=Column(Date(), nullable=False))
    impressions: int = count_field()
    clicks: int = count_field()
    spend: Decimal = money_field()
    conversions: int = count_field()
    revenue: Decimal = money_field()


class MetricsArchive(SQLModel, table=True):
    """Monthly summaries of metrics older than 90 days (Property 20)."""

    __tablename__ = "metrics_archive"
    __table_args__ = (UniqueConstraint("ad_account_id", "entity_type", "entity_id", "period_start"),)

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    ad_account_id: int = fk_field("ad_accounts.id")
    entity_type: str = str_field(20)
    entity_id: str = str_field(128)
    entity_name: str = str_field(255)
    period_start: date = Field(sa_column=Column(Date(), nullable=False))
    period_end: date = Field(sa_column=Column(Date(), nullable=False))
    impressions: int = count_field()
    clicks: int = count_field()
    spend: Decimal = money_field()
    conversions: int = count_field()
    revenue: Decimal = money_field()
    source_rows: int = Field(default=0, sa_column=Column(Integer(), nullable=False))
    created_at: datetime = time_field(nullable=False, default_now=True)
