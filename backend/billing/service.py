"""Credit purchases: packages, orders, checkout, and the Stripe events that settle them.

Every webhook event is stored in `stripe_events` under its unique id before it is handled, in the
same transaction as its effects. A redelivered event whose first delivery was handled (or
ignored) has no effect; one whose first delivery failed is handled again. Credits are granted
through the ledger's idempotent `recharge(operation_id="order:<id>")` and the order row is locked
while an event changes it, so replayed, concurrent or out-of-order events never credit twice.
Services never commit: the caller owns the transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from backend.common.paging import page_total
from backend.audit import service as audit
from backend.audit.service import AuditAction
from backend.config import get_settings
from backend.credits import service as credits
from backend.errors import AppError, Conflict, NotFound, ValidationFailed
from backend.integrations.payments import CheckoutItem, PaymentProvider
from backend.models import CreditOrder, OrderStatus, StripeEvent, StripeEventStatus, User

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
PAID_STATUSES = frozenset({"paid", "no_payment_required"})
# An event about a payment we have not seen completed yet is answered 409 (Stripe retries it)
# while it is younger than this; older ones cannot be out-of-order deliveries and are ignored.
RETRY_WINDOW_SECONDS = 24 * 3600


class EventNotReady(Conflict):
    default_message = "The event refers to a payment that has not been completed here yet; retry later"


class PaymentMismatch(AppError):
    code, type, http_status = "6031", "PAYMENT_MISMATCH", 422
    default_message = "The paid amount does not match the order"


@dataclass(frozen=True)
class Package:
    id: str
    name: str
    credits: Decimal
    price_cents: int
    currency: str


@dataclass(frozen=True)
class CheckoutStarted:
    order: CreditOrder
    checkout_url: str


@dataclass(frozen=True)
class EventOutcome:
    event_id: str
    type: str
    status: StripeEventStatus
    duplicate: bool = False
    # Set when the event could not be applied yet: the endpoint answers non-2xx so Stripe retries.
    retry: AppError | None = None


# --- packages and orders ---------------------------------------------------------------------


def list_packages(session: Session) -> list[Package]:
    """The packages of the credit config in force; malformed entries are skipped (and logged)."""
    packages = []
    for raw in credits.get_current_config(session).packages or []:
        try:
            packages.append(Package(
                id=str(raw["id"]), name=str(raw.get("name") or raw["id"]),
                credits=Decimal(str(raw["credits"])).quantize(CENT), price_cents=int(raw["price_cents"]),
                currency=str(raw.get("currency") or "usd").lower(),
            ))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            logger.warning("credit config: skipping malformed package %r", raw)
    return [p for p in packages if p.credits > 0 and p.price_cents > 0]


def get_package_or_raise(session: Session, package_id: str) -> Package:
    for package in list_packages(session):
        if package.id == package_id:
            return package
    raise ValidationFailed(
        "Unknown credit package",
        details={"field": "package_id", "allowed": [p.id for p in list_packages(session)]},
    )


def create_order(session: Session, *, user_id: int, package_id: str) -> CreditOrder:
    package = get_package_or_raise(session, package_id)
    order = CreditOrder(
        user_id=user_id, package_id=package.id, credits=package.credits,
        amount_cents=package.price_cents, currency=package.currency,
    )
    session.add(order)
    session.flush()
    return order


def checkout_item(order: CreditOrder, package_name: str | None = None) -> CheckoutItem:
    assert order.id is not None
    return CheckoutItem(
        order_id=order.id, user_id=order.user_id, package_id=order.package_id,
        name=package_name or order.package_id, credits=order.credits,
        amount_cents=order.amount_cents, currency=order.currency, created_at=order.created_at,
    )


def start_checkout(
    session: Session, *, user: User, package_id: str, provider: PaymentProvider,
    success_url: str | None = None, cancel_url: str | None = None,
) -> CheckoutStarted:
    """A pending order and its provider checkout session; the session id is stored on the order."""
    package = get_package_or_raise(session, package_id)
    order = create_order(session, user_id=user.id, package_id=package.id)
    base = get_settings().public_url.rstrip("/")
    checkout = provider.create_checkout_session(
        checkout_item(order, package.name),
        success_url=success_url or f"{base}/billing?paid=1&session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=cancel_url or f"{base}/billing?canceled=1",
        customer_email=user.email,
    )
    order.checkout_session_id = checkout.session_id
    session.add(order)
    session.flush()
    logger.info("checkout %s started for order %s (user %s)", checkout.session_id, order.id, user.id)
    return CheckoutStarted(order=order, checkout_url=checkout.url)


def get_order_or_raise(session: Session, order_id: int) -> CreditOrder:
    order = session.get(CreditOrder, order_id)
    if order is None:
        raise NotFound("Order not found", details={"order_id": order_id})
    return order


def list_orders(session: Session, *, user_id: int, limit: int = 20, offset: int = 0) -> tuple[list[CreditOrder], int]:
    where = CreditOrder.user_id == user_id
    rows = session.exec(
        select(CreditOrder).where(where).order_by(col(CreditOrder.id).desc()).offset(offset).limit(limit)
    ).all()
    total = page_total(len(rows), limit=limit, offset=offset,
                       count=lambda: session.exec(select(func.count()).select_from(CreditOrder).where(where)).one())
    return list(rows), total


# --- webhook events --------------------------------------------------------------------------


def handle_event(session: Session, event: dict[str, Any]) -> EventOutcome:
    """Store a verified event under its id, then apply it once (see the module docstring)."""
    event_id, event_type = str(event["id"]), str(event["type"])
    stored, duplicate = _store_event(session, event)
    if duplicate and stored.status in (StripeEventStatus.HANDLED, StripeEventStatus.IGNORED):
        logger.info("stripe event %s (%s) already %s", event_id, event_type, stored.status)
        return EventOutcome(event_id, event_type, StripeEventStatus(stored.status), duplicate=True)
    handler = _HANDLERS.get(event_type)
    retry: AppError | None = None
    if handler is None:
        status, stored.error = StripeEventStatus.IGNORED, None
    else:
        try:
            with session.begin_nested():  # a failed handler leaves nothing behind but the event row
                status = handler(session, _data_object(event), event)
            stored.error = None
        except EventNotReady as exc:
            status, stored.error, retry = StripeEventStatus.FAILED, exc.message, exc
        except AppError as exc:  # permanent: retrying the same event cannot help
            logger.error("stripe event %s (%s) failed: %s %s", event_id, event_type, exc.message, exc.details)
            status, stored.error = StripeEventStatus.FAILED, f"{exc.code} {exc.message} {exc.details}"[:2000]
    stored.status = status
    stored.handled_at = datetime.now(UTC)
    session.add(stored)
    session.flush()
    logger.info("stripe event %s (%s): %s", event_id, event_type, status)
    return EventOutcome(event_id, event_type, status, duplicate=duplicate, retry=retry)


def process_webhook(
    session: Session, *, payload: bytes, signature_header: str | None, provider: PaymentProvider
) -> EventOutcome:
    """Verify the signature (InvalidWebhookSignature otherwise), then handle the event."""
    return handle_event(session, provider.verify_webhook(payload, signature_header))


def _store_event(session: Session, event: dict[str, Any]) -> tuple[StripeEvent, bool]:
    """Insert the event row; on a duplicate id, the existing (committed) row.

    The existing row is read, not locked: after a duplicate-key error InnoDB holds a shared lock on
    it, and upgrading that in several concurrent deliveries would deadlock. Handling a failed
    event twice at once is harmless: its effects lock the order row and are idempotent.
    """
    event_id = str(event["id"])
    row = StripeEvent(event_id=event_id, type=str(event["type"])[:100], payload=event)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
        return row, False
    except IntegrityError:
        existing = session.exec(
            select(StripeEvent).where(StripeEvent.event_id == event_id).execution_options(populate_existing=True)
        ).one()
        return existing, True


def _data_object(event: dict[str, Any]) -> dict[str, Any]:
    obj = (event.get("data") or {}).get("object")
    if not isinstance(obj, dict):
        raise ValidationFailed("Event has no data.object", details={"event_id": event.get("id")})
    return obj


# checkout.session.* -----------------------------------------------------------------------------


def _on_checkout_paid(session: Session, obj: dict[str, Any], event: dict[str, Any]) -> StripeEventStatus:
    order = _order_for_checkout(session, obj)
    if order is None:
        return StripeEventStatus.IGNORED
    if obj.get("payment_intent") and not order.payment_intent_id:
        order.payment_intent_id = str(obj["payment_intent"])
    if obj.get("payment_status") not in PAID_STATUSES:
        # A delayed payment method: checkout.session.async_payment_succeeded follows.
        session.add(order)
        return StripeEventStatus.HANDLED
    if obj.get("amount_total") != order.amount_cents or str(obj.get("currency", "")).lower() != order.currency:
        raise PaymentMismatch(details={
            "order_id": order.id, "expected": [order.amount_cents, order.currency],
            "received": [obj.get("amount_total"), obj.get("currency")],
        })
    if order.status in (OrderStatus.PENDING, OrderStatus.EXPIRED):
        order.status, order.paid_at = OrderStatus.PAID, datetime.now(UTC)
        session.add(order)
        result = credits.recharge(
            session, user_id=order.user_id, amount=order.credits, operation_id=f"order:{order.id}",
            details={"order_id": order.id, "package_id": order.package_id, "event_id": event["id"],
                     "checkout_session_id": obj.get("id")},
        )
        if not result.replayed:
            audit.record(session, action=AuditAction.CREDITS_PURCHASED, user_id=order.user_id, details={
                "order_id": order.id, "package_id": order.package_id, "credits": str(order.credits),
                "amount_cents": order.amount_cents, "currency": order.currency, "event_id": event["id"],
            })
    session.flush()
    return StripeEventStatus.HANDLED


def _on_checkout_expired(session: Session, obj: dict[str, Any], event: dict[str, Any]) -> StripeEventStatus:
    order = _order_for_checkout(session, obj)
    if order is None:
        return StripeEventStatus.IGNORED
    if order.status == OrderStatus.PENDING:
        order.status = OrderStatus.EXPIRED
        session.add(order)
        session.flush()
    return StripeEventStatus.HANDLED


def _order_for_checkout(session: Session, obj: dict[str, Any]) -> CreditOrder | None:
    """The order of a Checkout Session (by session id, else our client_reference_id), locked."""
    session_id = obj.get("id")
    order = _locked_order(session, CreditOrder.checkout_session_id == session_id) if session_id else None
    if order is None:
        reference = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("order_id")
        if reference is not None and str(reference).isdigit():
            order = _locked_order(session, CreditOrder.id == int(reference))
            if order is not None and order.checkout_session_id not in (None, session_id):
                order = None  # another session of that order id: not ours
    if order is None:
        logger.warning("checkout session %s matches no order", session_id)
    elif order.checkout_session_id is None and session_id:
        order.checkout_session_id = str(session_id)
    return order


# charge.refunded, charge.dispute.created -------------------------------------------------------


def _on_charge_refunded(session: Session, obj: dict[str, Any], event: dict[str, Any]) -> StripeEventStatus:
    order = _paid_order_for_payment(session, obj, event)
    if order is None:
        return StripeEventStatus.IGNORED
    amount, refunded = int(obj.get("amount") or 0), int(obj.get("amount_refunded") or 0)
    if amount <= 0 or refunded <= 0:
        return StripeEventStatus.IGNORED
    # amount_refunded is cumulative: reverse up to its share of the order, never the same share twice.
    target = order.credits if refunded >= amount else (order.credits * refunded / amount).quantize(CENT, ROUND_DOWN)
    _reverse(session, order, target, operation_id=f"order:{order.id}:refund:{refunded}",
             reason="refund", event=event)
    if refunded >= amount and order.status == OrderStatus.PAID:
        order.status = OrderStatus.REFUNDED
        session.add(order)
    session.flush()
    return StripeEventStatus.HANDLED


def _on_dispute_created(session: Session, obj: dict[str, Any], event: dict[str, Any]) -> StripeEventStatus:
    order = _paid_order_for_payment(session, obj, event)
    if order is None:
        return StripeEventStatus.IGNORED
    _reverse(session, order, order.credits, operation_id=f"order:{order.id}:dispute", reason="dispute", event=event)
    order.status = OrderStatus.DISPUTED
    session.add(order)
    session.flush()
    return StripeEventStatus.HANDLED


def _reverse(
    session: Session, order: CreditOrder, target: Decimal, *, operation_id: str, reason: str, event: dict[str, Any]
) -> None:
    """Bring the order's reversed credits up to `target` (never down, never above the order)."""
    delta = min(target, order.credits) - order.credits_reversed
    if delta <= 0:
        return
    result = credits.reverse_purchase(
        session, user_id=order.user_id, amount=delta, operation_id=operation_id,
        details={"order_id": order.id, "reason": reason, "event_id": event["id"]},
    )
    order.credits_reversed += delta
    session.add(order)
    if not result.replayed:
        audit.record(session, action=AuditAction.CREDITS_REVERSED, user_id=order.user_id, details={
            "order_id": order.id, "reason": reason, "credits": str(delta), "event_id": event["id"],
            "debt_recorded": result.transaction.details.get("debt_recorded", "0"),
        })


def _paid_order_for_payment(session: Session, obj: dict[str, Any], event: dict[str, Any]) -> CreditOrder | None:
    """The paid order of a charge or dispute (by PaymentIntent), locked.

    Stripe does not promise delivery order, so a refund or dispute can arrive before the
    checkout's completion: while the event is recent that is EventNotReady (answered 409, so
    Stripe retries); an old event for a payment we never sold is not ours and is ignored.
    """
    payment_intent = obj.get("payment_intent")
    order = _locked_order(session, CreditOrder.payment_intent_id == str(payment_intent)) if payment_intent else None
    if order is not None and order.status in (OrderStatus.PAID, OrderStatus.REFUNDED, OrderStatus.DISPUTED):
        return order
    if payment_intent and time.time() - float(event.get("created") or 0) < RETRY_WINDOW_SECONDS:
        raise EventNotReady(details={"payment_intent": payment_intent, "event_id": event.get("id")})
    logger.warning("%s %s matches no paid order (payment intent %s)", event.get("type"), obj.get("id"), payment_intent)
    return None


def _locked_order(session: Session, condition: Any) -> CreditOrder | None:
    return session.exec(
        select(CreditOrder).where(condition).with_for_update().execution_options(populate_existing=True)
    ).first()


_Handler = Callable[[Session, dict[str, Any], dict[str, Any]], StripeEventStatus]
_HANDLERS: dict[str, _Handler] = {
    "checkout.session.completed": _on_checkout_paid,
    "checkout.session.async_payment_succeeded": _on_checkout_paid,
    "checkout.session.expired": _on_checkout_expired,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": _on_dispute_created,
}
HANDLED_EVENT_TYPES = frozenset(_HANDLERS)
