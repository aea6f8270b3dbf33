"""Request and response models of the billing endpoints."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.common.paging import Page


class PackagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    credits: Decimal
    price_cents: int
    currency: str


class PackagesResponse(BaseModel):
    status: Literal["success"] = "success"
    data: list[PackagePublic]


class RechargeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    package_id: str = Field(min_length=1, max_length=64)


class RechargeData(BaseModel):
    checkout_url: str
    order_id: int


class RechargeResponse(BaseModel):
    status: Literal["success"] = "success"
    data: RechargeData


class OrderPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    package_id: str
    credits: Decimal
    amount_cents: int
    currency: str
    status: str
    credits_reversed: Decimal
    created_at: datetime
    paid_at: datetime | None


class OrdersResponse(BaseModel):
    status: Literal["success"] = "success"
    data: Page[OrderPublic]


class WebhookReceipt(BaseModel):
    event_id: str
    type: str
    outcome: str
    duplicate: bool


class WebhookResponse(BaseModel):
    status: Literal["success"] = "success"
    data: WebhookReceipt
