from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import StrictBool, StrictInt, BaseModel, ConfigDict, Field

from backend.common.types import IsoAwareDateTime


class MetricValues(BaseModel):
    impressions: int
    clicks: int
    spend: Decimal
    conversions: int
    revenue: Decimal
    ctr: float
    cpc: Decimal
    cpa: Decimal
    roas: float


class ReportRow(MetricValues):
    ad_account_id: int
    entity_type: str
    entity_id: str
    entity_name: str
    day: date | None = None


class ReportPage(BaseModel):
    items: list[ReportRow]
    total: int
    limit: int
    offset: int


class TrendPoint(MetricValues):
    day: date


class SummaryPublic(BaseModel):
    today: MetricValues
    yesterday: MetricValues
    change: dict[str, float | None]
    trend: list[TrendPoint]
    campaigns: list[ReportRow]


class MetricIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ad_account_id: StrictInt = Field(gt=0, le=2**63 - 1)
    timestamp: IsoAwareDateTime
    entity_type: Literal["campaign", "adset", "ad"]
    entity_id: str = Field(min_length=1, max_length=128)
    entity_name: str = Field(min_length=1, max_length=255)
    impressions: StrictInt = Field(default=0, ge=0, le=10**12)
    clicks: StrictInt = Field(default=0, ge=0, le=10**12)
    spend: Decimal = Field(default=Decimal("0"), ge=0, le=Decimal("9999999999.99"), decimal_places=2)
    conversions: StrictInt = Field(default=0, ge=0, le=10**12)
    revenue: Decimal = Field(default=Decimal("0"), ge=0, le=Decimal("9999999999.99"), decimal_places=2)


class MetricsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[MetricIn] = Field(min_length=1, max_length=5000)


class SavedCount(BaseModel):
    saved: int


class RawMetric(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    timestamp: datetime
    ad_account_id: int
    entity_type: str
    entity_id: str
    entity_name: str
    impressions: int
    clicks: int
    spend: Decimal
    conversions: int
    revenue: Decimal
    ctr: float
    cpc: Decimal
    cpa: Decimal
    roas: float


class RawMetricPage(BaseModel):
    items: list[RawMetric]
    total: int
    limit: int
    offset: int
