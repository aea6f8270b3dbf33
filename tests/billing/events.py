"""Stripe events in their real shapes (EXTERNAL_APIS.md 2.3-2.5) and signatures computed the
documented way (`t={t},v1=hex(hmac_sha256(secret, f"{t}.{payload}"))`), independently of the SDK."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from backend.models import CreditOrder


def sign(payload: bytes | str, secret: str, *, timestamp: int | None = None) -> str:
    body = payload.decode() if isinstance(payload, bytes) else payload
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def encode(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode()


def envelope(type_: str, obj: dict[str, Any], *, event_id: str | None = None, created: int | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event", "api_version": "2026-06-24.dahlia",
        "created": int(time.time()) if created is None else created, "type": type_, "livemode": False,
        "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}, "data": {"object": obj},
    }


def payment_intent_of(order: CreditOrder) -> str:
    return f"pi_test_{order.id}"


def checkout_session(order: CreditOrder, *, payment_status: str = "paid", status: str = "complete",
                     amount: int | None = None, currency: str | None = None) -> dict[str, Any]:
    return {
        "id": order.checkout_session_id, "object": "checkout.session", "status": status,
        "payment_status": payment_status, "amount_total": order.amount_cents if amount is None else amount,
        "currency": currency or order.currency, "client_reference_id": str(order.id),
        "metadata": {"order_id": str(order.id), "user_id": str(order.user_id)},
        "payment_intent": payment_intent_of(order), "customer": None,
        "customer_details": {"email": "a@example.com", "name": "Ann"}, "mode": "payment",
    }


def completed(order: CreditOrder, **kwargs: Any) -> dict[str, Any]:
    event_kwargs = {k: kwargs.pop(k) for k in ("event_id", "created") if k in kwargs}
    return envelope("checkout.session.completed", checkout_session(order, **kwargs), **event_kwargs)


def async_succeeded(order: CreditOrder, **kwargs: Any) -> dict[str, Any]:
    return envelope("checkout.session.async_payment_succeeded", checkout_session(order), **kwargs)


def expired(order: CreditOrder, **kwargs: Any) -> dict[str, Any]:
    obj = checkout_session(order, payment_status="unpaid", status="expired") | {"payment_intent": None}
    return envelope("checkout.session.expired", obj, **kwargs)


def charge_refunded(order: CreditOrder, amount_refunded: int, **kwargs: Any) -> dict[str, Any]:
    obj = {
        "id": f"ch_test_{order.id}", "object": "charge", "amount": order.amount_cents,
        "amount_captured": order.amount_cents, "amount_refunded": amount_refunded,
        "refunded": amount_refunded >= order.amount_cents, "currency": order.currency,
        "payment_intent": payment_intent_of(order), "status": "succeeded", "disputed": False,
        "metadata": {}, "refunds": {"object": "list", "data": [], "has_more": False},
    }
    return envelope("charge.refunded", obj, **kwargs)


def dispute_created(order: CreditOrder, **kwargs: Any) -> dict[str, Any]:
    obj = {
        "id": f"dp_test_{order.id}", "object": "dispute", "amount": order.amount_cents, "currency": order.currency,
        "charge": f"ch_test_{order.id}", "payment_intent": payment_intent_of(order), "reason": "fraudulent",
        "status": "needs_response", "is_charge_refundable": False, "evidence_details": {"due_by": 1765000000},
        "created": int(time.time()), "livemode": False, "metadata": {},
    }
    return envelope("charge.dispute.created", obj, **kwargs)
