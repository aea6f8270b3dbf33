from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, Integer, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.base import fk_field, id_field, json_field, money_field, str_field, time_field


class TransactionType(StrEnum):
    DEDUCT = "deduct"
    REFUND = "refund"
    RECHARGE = "recharge"
    GIFT = "gift"
    REVERSAL = "reversal"  # purchased credits taken back after a payment refund or dispute


class CreditTransaction(SQLModel, table=True):
    """The ledger: one row per balance change, never updated."""

    __tablename__ = "credit_transactions"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        Index("ix_credit_transactions_user_created", "user_id", "created_at"),
    )

    id: int | None = id_field()
    user_id: int = fk_field("users.id", index=False)
    type: str = str_field(20)
    amount: Decimal = money_field()
    from_gifted: Decimal = money_field()
    from_purchased: Decimal = money_field()
    balance_after: Decimal = money_field()
    gifted_after: Decimal = money_field()
    purchased_after: Decimal = money_field()
    operation_type: str | None = str_field(64, default=None, nullable=True)
    operation_id: str | None = str_field(128, default=None, nullable=True)
    idempotency_key: str | None = str_field(191, default=None, nullable=True)
    # For a refund: the operation whose deduction it gives back.
    original_operation_id: str | None = str_field(128, default=None, nullable=True)
    credit_config_id: int | None = Field(default=None, sa_column=Column(Integer(), nullable=True))
    details: dict[str, Any] = json_field()
    created_at: datetime = time_field(nullable=False, default_now=True)


class HoldStatus(StrEnum):
    HELD = "held"
    SETTLED = "settled"
    RELEASED = "released"


class CreditHold(SQLModel, table=True):
    """A pre-deduction for an operation whose final cost is known only afterwards."""

    __tablename__ = "credit_holds"
    __table_args__ = (UniqueConstraint("user_id", "operation_id"),)

    id: int | None = id_field()
    user_id: int = fk_field("users.id", index=False)
    operation_id: str = str_field(128)
    operation_type: str = str_field(64)
    amount_held: Decimal = money_field()
    from_gifted: Decimal = money_field()
    from_purchased: Decimal = money_field()
    actual_amount: Decimal | None = money_field(default=None, nullable=True)
    uncollected: Decimal = money_field()
    status: str = str_field(20, default=HoldStatus.HELD, index=True)
    created_at: datetime = time_field(nullable=False, default_now=True)
    resolved_at: datetime | None = time_field()


def _rate(default: str) -> Any:
    return Field(default=Decimal(default), sa_column=Column(Numeric(10, 4), nullable=False))


class CreditConfig(SQLModel, table=True):
    """Versioned pricing: rows are only ever appended; the newest row is in force."""

    __tablename__ = "credit_config"

    id: int | None = Field(default=None, sa_column=Column(Integer(), primary_key=True, autoincrement=True))
    gemini_flash_input_rate: Decimal = _rate("0.01")
    gemini_flash_output_rate: Decimal = _rate("0.04")
    gemini_pro_input_rate: Decimal = _rate("0.05")
    gemini_pro_output_rate: Decimal = _rate("0.2")
    image_generation_rate: Decimal = money_field(default=Decimal("0.5"))
    video_generation_rate: Decimal = money_field(default=Decimal("5"))
    landing_page_rate: Decimal = money_field(default=Decimal("15"))
    competitor_analysis_rate: Decimal = money_field(default=Decimal("10"))
    optimization_suggestion_rate: Decimal = money_field(default=Decimal("20"))
    registration_bonus: Decimal = money_field(default=Decimal("500"))
    packages: list[dict[str, Any]] = json_field(default_factory=list)
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_by: str | None = str_field(255, default=None, nullable=True)


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    DISPUTED = "disputed"


class CreditOrder(SQLModel, table=True):
    """A credit purchase through a checkout session."""

    __tablename__ = "credit_orders"

    id: int | None = id_field()
    user_id: int = fk_field("users.id")
    package_id: str = str_field(64)
    credits: Decimal = money_field()
    amount_cents: int = Field(sa_column=Column(Integer(), nullable=False))
    currency: str = str_field(3, default="usd")
    status: str = str_field(20, default=OrderStatus.PENDING)
    checkout_session_id: str | None = str_field(255, default=None, nullable=True, unique=True)
    payment_intent_id: str | None = str_field(255, default=None, nullable=True, index=True)
    credits_reversed: Decimal = money_field()
    created_at: datetime = time_field(nullable=False, default_now=True)
    paid_at: datetime | None = time_field()
