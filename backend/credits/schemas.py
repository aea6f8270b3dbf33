from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict


class BalancePublic(BaseModel):
    gifted_credits: Decimal
    purchased_credits: Decimal
    total: Decimal
    debt: Decimal
    low_balance: bool


class TransactionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str
    amount: Decimal
    from_gifted: Decimal
    from_purchased: Decimal
    balance_after: Decimal
    operation_type: str | None
    operation_id: str | None
    details: dict[str, Any]
    created_at: datetime


class TransactionPage(BaseModel):
    items: list[TransactionPublic]
    total: int
    limit: int
    offset: int
