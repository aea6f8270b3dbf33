"""The credit ledger: balances, deductions, refunds, recharges, gifts and holds.

Every change locks the user row (SELECT ... FOR UPDATE), updates the balance and writes its
ledger row in the caller's transaction (Property 9). Every change carries an idempotency key
derived from its operation id, so a retried call charges once. Services never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlmodel import Session, col, select

from backend.config import get_settings
from backend.credits.amounts import ZERO, parse_amount
from backend.errors import InsufficientCredits, InvalidAmount, NotFound
from backend.models import (
    CreditConfig,
    CreditTransaction,
    TransactionType,
    User,
)


@dataclass(frozen=True)
class Balance:
    gifted: Decimal
    purchased: Decimal
    debt: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.gifted + self.purchased


@dataclass(frozen=True)
class LedgerResult:
    transaction: CreditTransaction
    balance: Balance
    replayed: bool = False
    # Threshold crossings for the UI banner (Property 33) and the notification job (Property 34).
    crossed_warning: bool = False
    crossed_critical: bool = False


# --- reading ---------------------------------------------------------------------------------


def get_balance(session: Session, user_id: int) -> Balance:
    """The balance as the database has it now (never a stale ORM copy)."""
    row = session.connection().execute(_READ_BALANCE, {"uid": user_id}).first()
    if row is None:
        raise NotFound("User not found")
    return Balance(gifted=row[0], purchased=row[1], debt=row[2])


def balance_of(user: User) -> Balance:
    """The balance on a `User` read in this transaction: the signed-in user's row as the request's
    user check read it (`auth.service.load_active_user`), which costs no extra round trip."""
    return Balance(gifted=user.gifted_credits, purchased=user.purchased_credits, debt=user.credit_debt)


def list_transactions(
    session: Session,
    user_id: int,
    *,
    limit: int = 20,
    offset: int = 0,
    types: list[str] | None = None,
) -> tuple[list[CreditTransaction], int]:
    query = select(CreditTransaction).where(CreditTransaction.user_id == user_id)
    count = select(func.count()).select_from(CreditTransaction).where(CreditTransaction.user_id == user_id)
    if types:
        query = query.where(col(CreditTransaction.type).in_(types))
        count = count.where(col(CreditTransaction.type).in_(types))
    query = query.order_by(col(CreditTransaction.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query)), session.exec(count).one()


def get_current_config(session: Session) -> CreditConfig:
    """The newest config row; created with the defaults when none exists yet."""
    config = session.exec(select(CreditConfig).order_by(col(CreditConfig.id).desc()).limit(1)).first()
    if config is None:
        config = CreditConfig(packages=DEFAULT_PACKAGES, updated_by="system")
        session.add(config)
        session.flush()
    return config


def update_config(session: Session, *, updated_by: str, **changes: Any) -> CreditConfig:
    """Append a new config version; past transactions keep the rates they were charged at."""
    current = get_current_config(session)
    data = current.model_dump(exclude={"id", "created_at", "updated_by"})
    unknown = set(changes) - set(data)
    if unknown:
        raise InvalidAmount(f"Unknown credit config fields: {sorted(unknown)}")
    for name, value in changes.items():
        data[name] = value if name == "packages" else parse_amount(value, field=name, allow_zero=True)
    config = CreditConfig(**data, updated_by=updated_by)
    session.add(config)
    session.flush()
    return config


DEFAULT_PACKAGES: list[dict[str, Any]] = [
    {"id": "starter", "name": "Starter", "credits": "1000", "price_cents": 999, "currency": "usd"},
    {"id": "growth", "name": "Growth", "credits": "5500", "price_cents": 4999, "currency": "usd"},
    {"id": "scale", "name": "Scale", "credits": "12000", "price_cents": 9999, "currency": "usd"},
]


# --- changing --------------------------------------------------------------------------------


def grant_registration_bonus(session: Session, *, user_id: int) -> LedgerResult | None:
    """Gift the bonus of the config in force at registration time (Property 5); none when it is 0."""
    config = get_current_config(session)
    if config.registration_bonus <= 0:
        return None
    return gift(
        session,
        user_id=user_id,
        amount=config.registration_bonus,
        operation_type="registration_bonus",
        operation_id=f"registration:{user_id}",
        credit_config_id=config.id,
    )


def deduct(
    session: Session,
    *,
    user_id: int,
    amount: object,
    operation_type: str,
    operation_id: str,
    details: dict[str, Any] | None = None,
    credit_config_id: int | None = None,
) -> LedgerResult:
    """Take credits, gifted first then purchased (Property 7); all or nothing (Property 8)."""

    def change(user: _Account, value: Decimal) -> _Split:
        _require(_balance_of(user), value)
        from_gifted = min(user.gifted_credits, value)
        user.gifted_credits -= from_gifted
        user.purchased_credits -= value - from_gifted
        return _Split(from_gifted, value - from_gifted)

    return _apply(session, TransactionType.DEDUCT, change, user_id=user_id, amount=amount,
                  operation_type=operation_type, operation_id=operation_id, details=details,
                  credit_config_id=credit_config_id)


def refund(
    session: Session,
    *,
    user_id: int,
    amount: object,
    operation_type: str,
    operation_id: str,
    original_operation_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> LedgerResult:
    """Give credits back.

    With `original_operation_id` the refund reverses that deduction: purchased credits are
    returned first (they were taken last), never more than was deducted and not yet refunded.
    Without it, the refund is a goodwill credit to the gifted balance.
    """

    def change(user: _Account, value: Decimal) -> _Split:
        if original_operation_id is not None:
            to_purchased, to_gifted = _refundable_split(session, user_id, original_operation_id, value)
        else:
            to_purchased, to_gifted = ZERO, value
        user.gifted_credits += to_gifted
        user.purchased_credits += to_purchased
        return _Split(to_gifted, to_purchased)

    return _apply(session, TransactionType.REFUND, change, user_id=user_id, amount=amount,
                  operation_type=operation_type, operation_id=operation_id, details=details,
                  original_operation_id=original_operation_id)


def recharge(
    session: Session,
    *,
    user_id: int,
    amount: object,
    operation_id: str,
    operation_type: str = "purchase",
    details: dict[str, Any] | None = None,
) -> LedgerResult:
    """Add purchased credits (a paid order). Outstanding debt is paid off first."""

    def change(user: _Account, value: Decimal) -> _Split:
        to_debt = min(user.credit_debt, value)
        user.credit_debt -= to_debt
        user.purchased_credits += value - to_debt
        return _Split(ZERO, value - to_debt, {"debt_repaid": str(to_debt)} if to_debt else {})

    return _apply(session, TransactionType.RECHARGE, change, user_id=user_id, amount=amount,
                  operation_type=operation_type, operation_id=operation_id, details=details)


def gift(
    session: Session,
    *,
    user_id: int,
    amount: object,
    operation_type: str,
    operation_id: str,
    details: dict[str, Any] | None = None,
    credit_config_id: int | None = None,
) -> LedgerResult:
    def change(user: _Account, value: Decimal) -> _Split:
        user.gifted_credits += value
        return _Split(value, ZERO)

    return _apply(session, TransactionType.GIFT, change, user_id=user_id, amount=amount,
                  operation_type=operation_type, operation_id=operation_id, details=details,
                  credit_config_id=credit_config_id)


def reverse_purchase(
    session: Session,
    *,
    user_id: int,
    amount: object,
    operation_id: str,
    details: dict[str, Any] | None = None,
) -> LedgerResult:
    """Take back purchased credits after a payment refund or dispute.

    The balance never goes below zero: what the purchased (then gifted) balance cannot cover is
    recorded as debt and paid off by the next recharge.
    """

    def change(user: _Account, value: Decimal) -> _Split:
        from_purchased = min(user.purchased_credits, value)
        from_gifted = min(user.gifted_credits, value - from_purchased)
        debt = value - from_purchased - from_gifted
        user.purchased_credits -= from_purchased
        user.gifted_credits -= from_gifted
        user.credit_debt += debt
        return _Split(from_gifted, from_purchased, {"debt_recorded": str(debt)} if debt else {})

    return _apply(session, TransactionType.REVERSAL, change, user_id=user_id, amount=amount,
                  operation_type="payment_reversal", operation_id=operation_id, details=details)


@dataclass(frozen=True)
class _Split:
    """How one change moved the buckets: amounts from/to gifted and purchased, extra details."""

    gifted: Decimal
    purchased: Decimal
    details: dict[str, Any] = field(default_factory=dict)


def _apply(
    session: Session,
    type_: TransactionType,
    change: Callable[[_Account, Decimal], _Split],
    *,
    user_id: int,
    amount: object,
    operation_type: str | None,
    operation_id: str,
    details: dict[str, Any] | None,
    credit_config_id: int | None = None,
    original_operation_id: str | None = None,
) -> LedgerResult:
    """The one path of every balance change: validate, lock, replay or change, write the row."""
    value = parse_amount(amount)
    key = f"{type_.value}:{operation_id}"
    user = _lock_user(session, user_id, key)
    if user.existing_tx_id is not None:
        return LedgerResult(_load_tx(session, user.existing_tx_id), _balance_of(user), replayed=True)
    before = _balance_of(user)
    split = change(user, value)
    merged = {**(details or {}), **split.details}
    tx = _write(
        session, user, type_, value, split.gifted, split.purchased,
        operation_type, operation_id, key, merged, credit_config_id, original_operation_id,
    )
    return _result(tx, before, user)


# --- internals -------------------------------------------------------------------------------


@dataclass
class _Account:
    """The locked user row's balances; the ledger's hot path works on Core statements."""

    id: int
    gifted_credits: Decimal
    purchased_credits: Decimal
    credit_debt: Decimal
    existing_tx_id: int | None = None


_users = User.__table__
_ledger = CreditTransaction.__table__
_READ_BALANCE = select(_users.c.gifted_credits, _users.c.purchased_credits, _users.c.credit_debt).where(
    _users.c.id == bindparam("uid")
)
# One round trip: lock the user row and look up the idempotency key in the same statement.
_LOCK_WITH_KEY = (
    select(
        _users.c.gifted_credits,
        _users.c.purchased_credits,
        _users.c.credit_debt,
        select(_ledger.c.id)
        .where(_ledger.c.user_id == _users.c.id, _ledger.c.idempotency_key == bindparam("key"))
        .scalar_subquery(),
    )
    .where(_users.c.id == bindparam("uid"))
    .with_for_update()
)
_LOCK = _READ_BALANCE.with_for_update()
_UPDATE_BALANCES = (
    update(_users)
    .where(_users.c.id == bindparam("uid"))
    .values(
        gifted_credits=bindparam("gifted"),
        purchased_credits=bindparam("purchased"),
        credit_debt=bindparam("debt"),
        updated_at=bindparam("now"),
    )
)


_INSERT_LEDGER = insert(_ledger)
_LEDGER_COLUMNS = tuple(c.name for c in _ledger.columns if c.name != "id")


def _lock_user(session: Session, user_id: int, key: str | None = None) -> _Account:
    # Core statements on the session's connection: same transaction, none of the ORM overhead.
    connection = session.connection()
    if key is None:
        row = connection.execute(_LOCK, {"uid": user_id}).first()
    else:
        row = connection.execute(_LOCK_WITH_KEY, {"uid": user_id, "key": key}).first()
    if row is None:
        raise NotFound("User not found", details={"user_id": user_id})
    return _Account(user_id, row[0], row[1], row[2], row[3] if key is not None else None)


def _load_tx(session: Session, tx_id: int) -> CreditTransaction:
    return session.exec(select(CreditTransaction).where(CreditTransaction.id == tx_id)).one()


def _find(session: Session, user_id: int, key: str) -> CreditTransaction | None:
    return session.exec(
        select(CreditTransaction).where(
            CreditTransaction.user_id == user_id, CreditTransaction.idempotency_key == key
        )
    ).first()


def _refundable_split(
    session: Session, user_id: int, original_operation_id: str, value: Decimal
) -> tuple[Decimal, Decimal]:
    original = _find(session, user_id, f"deduct:{original_operation_id}")
    if original is None:
        raise NotFound(
            "The operation to refund was never charged",
            details={"original_operation_id": original_operation_id},
        )
    refunds = session.exec(
        select(CreditTransaction).where(
            CreditTransaction.user_id == user_id,
            CreditTransaction.type == TransactionType.REFUND,
            CreditTransaction.original_operation_id == original_operation_id,
        )
    ).all()
    refunded_purchased = sum((r.from_purchased for r in refunds), ZERO)
    refunded_gifted = sum((r.from_gifted for r in refunds), ZERO)
    left_purchased = original.from_purchased - refunded_purchased
    left_gifted = original.from_gifted - refunded_gifted
    if value > left_purchased + left_gifted:
        raise InvalidAmount(
            "Refund exceeds what the operation charged",
            details={"refundable": str(left_purchased + left_gifted), "requested": str(value)},
        )
    to_purchased = min(left_purchased, value)
    return to_purchased, value - to_purchased


def _require(balance: Balance, value: Decimal) -> None:
    if balance.total < value:
        raise InsufficientCredits(
            details={
                "required_credits": str(value),
                "available_credits": str(balance.total),
                "recharge_url": "/billing",
            }
        )


def _write(
    session: Session,
    user: _Account,
    type_: TransactionType,
    amount: Decimal,
    from_gifted: Decimal,
    from_purchased: Decimal,
    operation_type: str | None,
    operation_id: str | None,
    key: str,
    details: dict[str, Any] | None,
    credit_config_id: int | None,
    original_operation_id: str | None = None,
) -> CreditTransaction:
    """Write the new balances and the ledger row (the caller holds the row lock)."""
    if user.gifted_credits < 0 or user.purchased_credits < 0:  # a bug, never a user error
        raise AssertionError("credit balance would go negative")
    tx = CreditTransaction(
        user_id=user.id,
        type=type_,
        amount=amount,
        from_gifted=from_gifted,
        from_purchased=from_purchased,
        balance_after=user.gifted_credits + user.purchased_credits,
        gifted_after=user.gifted_credits,
        purchased_after=user.purchased_credits,
        operation_type=operation_type,
        operation_id=operation_id,
        idempotency_key=key,
        original_operation_id=original_operation_id,
        credit_config_id=credit_config_id,
        details=details or {},
    )
    connection = session.connection()
    connection.execute(
        _UPDATE_BALANCES,
        {"uid": user.id, "gifted": user.gifted_credits, "purchased": user.purchased_credits,
         "debt": user.credit_debt, "now": tx.created_at},
    )
    values = {name: getattr(tx, name) for name in _LEDGER_COLUMNS}
    tx.id = connection.execute(_INSERT_LEDGER, values).inserted_primary_key[0]
    # An ORM copy of this user in the session is now stale: reload its balances on next access.
    cached = session.identity_map.get(session.identity_key(User, user.id))
    if cached is not None:
        session.expire(cached, ["gifted_credits", "purchased_credits", "credit_debt", "updated_at"])
    return tx


def _balance_of(user: _Account) -> Balance:
    return Balance(gifted=user.gifted_credits, purchased=user.purchased_credits, debt=user.credit_debt)


def _crossed(before: Balance, after: Balance, threshold: Decimal) -> bool:
    return before.total >= threshold > after.total


def _result(tx: CreditTransaction, before: Balance, user: _Account) -> LedgerResult:
    after = _balance_of(user)
    settings = get_settings()
    return LedgerResult(
        tx,
        after,
        crossed_warning=_crossed(before, after, settings.low_balance_warning),
        crossed_critical=_crossed(before, after, settings.low_balance_critical),
    )


def is_low_balance(balance: Balance) -> bool:
    """True below the warning threshold: the UI shows the recharge banner (Property 33)."""
    return balance.total < get_settings().low_balance_warning


# Holds live in their own module; they are part of this service's interface.
from backend.credits.holds import HoldResult, release, reserve, settle  # noqa: E402,F401
