"""Typed rows the UI shows. States hold these, never ORM objects."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from backend.config import get_settings
from backend.credits import service as credits
from backend.models import CreditTransaction, TransactionType

# Credits coming in are shown with "+", going out with "−".
_INCOMING = {TransactionType.REFUND, TransactionType.RECHARGE, TransactionType.GIFT}
_TYPE_LABELS = {
    TransactionType.DEDUCT: "Usage",
    TransactionType.REFUND: "Refund",
    TransactionType.RECHARGE: "Purchase",
    TransactionType.GIFT: "Gift",
    TransactionType.REVERSAL: "Reversal",
}
_TYPE_COLORS = {
    TransactionType.DEDUCT: "gray",
    TransactionType.REFUND: "green",
    TransactionType.RECHARGE: "indigo",
    TransactionType.GIFT: "grass",
    TransactionType.REVERSAL: "orange",
}


def format_credits(value: Decimal) -> str:
    return f"{value:,.2f}"


@dataclasses.dataclass
class BalanceView:
    gifted: str = "0.00"
    purchased: str = "0.00"
    total: str = "0.00"
    low: bool = False
    critical: bool = False

    @classmethod
    def of(cls, balance: credits.Balance) -> BalanceView:
        return cls(
            gifted=format_credits(balance.gifted),
            purchased=format_credits(balance.purchased),
            total=format_credits(balance.total),
            low=credits.is_low_balance(balance),
            critical=balance.total < get_settings().low_balance_critical,
        )


@dataclasses.dataclass
class LedgerRow:
    id: int = 0
    date: str = ""
    time: str = ""
    kind: str = ""
    kind_color: str = "gray"
    description: str = ""
    amount: str = ""
    incoming: bool = False
    balance_after: str = ""

    @classmethod
    def of(cls, tx: CreditTransaction) -> LedgerRow:
        incoming = tx.type in _INCOMING
        return cls(
            id=tx.id or 0,
            date=tx.created_at.strftime("%b %d, %Y"),
            time=tx.created_at.strftime("%H:%M UTC"),
            kind=_TYPE_LABELS.get(tx.type, str(tx.type).title()),
            kind_color=_TYPE_COLORS.get(tx.type, "gray"),
            description=describe_operation(tx.operation_type),
            amount=("+" if incoming else "−") + format_credits(tx.amount),
            incoming=incoming,
            balance_after=format_credits(tx.balance_after),
        )


def describe_operation(operation_type: str | None) -> str:
    if not operation_type:
        return "—"
    return operation_type.replace("_", " ").replace(".", " · ").capitalize()
