"""Credit amounts: Decimal with exactly two places, positive, finite, within the column."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from backend.errors import InvalidAmount

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2)


def parse_amount(value: object, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """Turn user or caller input into a credit amount, refusing anything ambiguous.

    Floats are refused outright: 0.1 + 0.2 style rounding has no place in a ledger.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidAmount(details={"field": field, "value": repr(value), "reason": "use a decimal string"})
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidAmount(details={"field": field, "value": repr(value), "reason": "not a number"}) from None
    if not amount.is_finite():
        raise InvalidAmount(details={"field": field, "value": str(value), "reason": "not finite"})
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT):
        raise InvalidAmount(details={"field": field, "value": str(value), "reason": "more than 2 decimal places"})
    amount = amount.quantize(CENT)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidAmount(details={"field": field, "value": str(value), "reason": "must be positive"})
    if amount > MAX_AMOUNT:
        raise InvalidAmount(details={"field": field, "value": str(value), "reason": "too large"})
    return amount
