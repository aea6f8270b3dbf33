"""Credit holds: pre-deduct an estimate, then settle the actual cost or release on failure.

Properties 35 and 36. Every step is idempotent on the operation id, like every ledger change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from backend.config import get_settings
from backend.credits import service as ledger
from backend.credits.amounts import ZERO, parse_amount
from backend.credits.service import Balance, _balance_of, _crossed, _lock_user, get_balance
from backend.errors import Conflict, NotFound
from backend.models import CreditHold, CreditTransaction, HoldStatus


@dataclass
class HoldResult:
    hold: CreditHold
    balance: Balance
    transactions: list[CreditTransaction] = field(default_factory=list)
    replayed: bool = False
    crossed_warning: bool = False
    crossed_critical: bool = False


# --- holds: reserve, then settle or release (Properties 35, 36) ------------------------------


def reserve(
    session: Session,
    *,
    user_id: int,
    operation_id: str,
    estimate: object,
    operation_type: str,
    details: dict[str, Any] | None = None,
) -> HoldResult:
    """Pre-deduct the estimated cost of an operation. Insufficient balance → 6011, nothing held."""
    value = parse_amount(estimate)
    user = _lock_user(session, user_id)
    hold = _get_hold(session, user_id, operation_id)
    if hold is not None:
        return HoldResult(hold, _balance_of(user), replayed=True)
    result = ledger.deduct(
        session,
        user_id=user_id,
        amount=value,
        operation_type=operation_type,
        operation_id=f"hold:{operation_id}",
        details={**(details or {}), "hold_for": operation_id},
    )
    tx = result.transaction
    hold = CreditHold(
        user_id=user_id,
        operation_id=operation_id,
        operation_type=operation_type,
        amount_held=value,
        from_gifted=tx.from_gifted,
        from_purchased=tx.from_purchased,
    )
    session.add(hold)
    session.flush()
    return HoldResult(
        hold, result.balance, [tx],
        crossed_warning=result.crossed_warning, crossed_critical=result.crossed_critical,
    )


def settle(session: Session, *, user_id: int, operation_id: str, actual: object) -> HoldResult:
    """Charge the actual cost: refund the unused part of the hold or deduct the extra.

    The operation has already happened, so an extra that the balance cannot fully cover is
    collected as far as it goes and the rest recorded on the hold as `uncollected`.
    """
    actual_amount = parse_amount(actual, field="actual", allow_zero=True)
    user = _lock_user(session, user_id)
    hold = _get_hold(session, user_id, operation_id)
    if hold is None:
        raise NotFound("No credit hold for this operation", details={"operation_id": operation_id})
    if hold.status == HoldStatus.SETTLED:
        if hold.actual_amount != actual_amount:
            raise Conflict(
                "Operation already settled with a different amount",
                details={"operation_id": operation_id, "settled": str(hold.actual_amount)},
            )
        return HoldResult(hold, _balance_of(user), replayed=True)
    if hold.status == HoldStatus.RELEASED:
        raise Conflict("Operation's hold was already released", details={"operation_id": operation_id})
    before = _balance_of(user)
    txs: list[CreditTransaction] = []
    difference = actual_amount - hold.amount_held
    if difference < 0:
        txs.append(
            ledger.refund(
                session, user_id=user_id, amount=-difference, operation_type=hold.operation_type,
                operation_id=f"settle:{operation_id}", original_operation_id=f"hold:{operation_id}",
                details={"hold_for": operation_id, "actual": str(actual_amount)},
            ).transaction
        )
    elif difference > 0:
        collectable = min(difference, _balance_of(user).total)
        if collectable > 0:
            txs.append(
                ledger.deduct(
                    session, user_id=user_id, amount=collectable, operation_type=hold.operation_type,
                    operation_id=f"settle:{operation_id}",
                    details={"hold_for": operation_id, "actual": str(actual_amount)},
                ).transaction
            )
        hold.uncollected = difference - collectable
    hold.actual_amount = actual_amount
    hold.status = HoldStatus.SETTLED
    hold.resolved_at = datetime.now(UTC)
    session.add(hold)
    session.flush()
    after = get_balance(session, user_id)
    return HoldResult(
        hold, after, txs,
        crossed_warning=_crossed(before, after, get_settings().low_balance_warning),
        crossed_critical=_crossed(before, after, get_settings().low_balance_critical),
    )


def release(session: Session, *, user_id: int, operation_id: str, reason: str = "failed") -> HoldResult:
    """Refund the whole hold because the operation failed (Property 36)."""
    user = _lock_user(session, user_id)
    hold = _get_hold(session, user_id, operation_id)
    if hold is None:
        raise NotFound("No credit hold for this operation", details={"operation_id": operation_id})
    if hold.status == HoldStatus.RELEASED:
        return HoldResult(hold, _balance_of(user), replayed=True)
    if hold.status == HoldStatus.SETTLED:
        raise Conflict("Operation was already settled", details={"operation_id": operation_id})
    refunded = ledger.refund(
        session, user_id=user_id, amount=hold.amount_held, operation_type=hold.operation_type,
        operation_id=f"release:{operation_id}", original_operation_id=f"hold:{operation_id}",
        details={"hold_for": operation_id, "reason": reason},
    )
    hold.status = HoldStatus.RELEASED
    hold.actual_amount = ZERO
    hold.resolved_at = datetime.now(UTC)
    session.add(hold)
    session.flush()
    return HoldResult(hold, refunded.balance, [refunded.transaction])


def _get_hold(session: Session, user_id: int, operation_id: str) -> CreditHold | None:
    return session.exec(
        select(CreditHold)
        .where(CreditHold.user_id == user_id, CreditHold.operation_id == operation_id)
        .execution_options(populate_existing=True)
    ).first()


