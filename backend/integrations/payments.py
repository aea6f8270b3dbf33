"""Payments: Stripe Checkout (real SDK) in production, a local checkout simulator when embedded.

Both providers verify incoming webhooks the same way, with `stripe.Webhook.construct_event` and
`AAE_STRIPE_WEBHOOK_SECRET`: the local simulator signs its events exactly as Stripe does, so the
embedded flow exercises the same verification and handling as production.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple

import stripe
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from backend.config import PaymentsBackend, Settings, get_settings
from backend.errors import AppError

logger = logging.getLogger(__name__)

LOCAL_CHECKOUT_PATH = "/api/v1/billing/local-checkout"
LOCAL_CHECKOUT_MAX_AGE = 24 * 3600  # like a Checkout Session's default expiry
_LOCAL_TOKEN_SALT = "aae.billing.local-checkout"
STRIPE_TIMEOUT_SECONDS = 20


class InvalidWebhookSignature(AppError):
    code, type, http_status = "1003", "INVALID_SIGNATURE", 400
    default_message = "Webhook signature verification failed"


class PaymentProviderError(AppError):
    code, type, http_status = "6030", "PAYMENT_PROVIDER_ERROR", 502
    default_message = "The payment provider could not start the checkout"


@dataclass(frozen=True)
class CheckoutItem:
    """What is being bought: one credit package for one order."""

    order_id: int
    user_id: int
    package_id: str
    name: str
    credits: Decimal
    amount_cents: int
    currency: str
    # Part of the idempotency key, so keys differ across databases sharing one Stripe account.
    created_at: datetime


class CheckoutSession(NamedTuple):
    session_id: str
    url: str


def idempotency_key(item: CheckoutItem) -> str:
    return f"aae-checkout-order-{item.order_id}-{int(item.created_at.timestamp())}"


def order_metadata(item: CheckoutItem) -> dict[str, str]:
    return {"order_id": str(item.order_id), "user_id": str(item.user_id), "package_id": item.package_id}


class PaymentProvider(ABC):
    backend: ClassVar[PaymentsBackend]

    def __init__(self, *, webhook_secret: str) -> None:
        self.webhook_secret = webhook_secret

    @abstractmethod
    def create_checkout_session(
        self, item: CheckoutItem, *, success_url: str, cancel_url: str, customer_email: str | None
    ) -> CheckoutSession:
        """A hosted payment page for the order; the same order always gets the same session."""

    def verify_webhook(self, payload: bytes, signature_header: str | None) -> dict[str, Any]:
        """The event as a plain dict, or InvalidWebhookSignature (bad/missing signature, old timestamp)."""
        try:
            event = stripe.Webhook.construct_event(payload, signature_header, self.webhook_secret)
        except stripe.SignatureVerificationError as exc:
            logger.warning("stripe webhook rejected: %s", exc.user_message or exc)
            raise InvalidWebhookSignature(details={"reason": str(exc.user_message or exc)}) from exc
        except (ValueError, TypeError, AttributeError) as exc:  # correctly signed, but not a JSON event
            raise InvalidWebhookSignature("Webhook body is not a Stripe event") from exc
        data = event.to_dict()
        if not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
            raise InvalidWebhookSignature("Webhook body is not a Stripe event")
        return data


class StripePayments(PaymentProvider):
    backend = PaymentsBackend.STRIPE

    def __init__(
        self, *, secret_key: str, webhook_secret: str, api_base: str | None = None, max_network_retries: int = 2
    ) -> None:
        super().__init__(webhook_secret=webhook_secret)
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT_SECONDS),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> StripePayments:
        if not settings.stripe_secret_key:
            raise PaymentProviderError("AAE_STRIPE_SECRET_KEY is not configured")
        return cls(
            secret_key=settings.stripe_secret_key,
            webhook_secret=settings.stripe_webhook_secret,
            api_base=settings.stripe_api_base,
        )

    def create_checkout_session(self, item, *, success_url, cancel_url, customer_email):
        metadata = order_metadata(item)
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [{
                "price_data": {
                    "currency": item.currency,
                    "unit_amount": item.amount_cents,
                    "product_data": {"name": f"{item.name} — {_plain(item.credits)} credits"},
                },
                "quantity": 1,
            }],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(item.order_id),
            "metadata": metadata,
            # Charge and dispute events carry the PaymentIntent, not the Session's metadata.
            "payment_intent_data": {"metadata": metadata},
        }
        if customer_email:
            params["customer_email"] = customer_email
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key(item)}
            )
        except stripe.StripeError as exc:
            logger.warning("stripe checkout for order %s failed: %s", item.order_id, exc.user_message or exc)
            raise PaymentProviderError(
                details={"provider": "stripe", "reason": exc.user_message or str(exc), "http_status": exc.http_status}
            ) from exc
        if not session.url:
            raise PaymentProviderError(details={"provider": "stripe", "reason": "checkout session has no url"})
        return CheckoutSession(session_id=session.id, url=session.url)


class LocalPayments(PaymentProvider):
    """The embedded simulator: our own checkout page that sends ourselves a signed webhook."""

    backend = PaymentsBackend.LOCAL

    def __init__(self, *, webhook_secret: str, token_secret: str, base_url: str) -> None:
        super().__init__(webhook_secret=webhook_secret)
        self.base_url = base_url.rstrip("/")
        self._tokens = URLSafeTimedSerializer(token_secret, salt=_LOCAL_TOKEN_SALT)

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalPayments:
        return cls(
            webhook_secret=settings.stripe_webhook_secret,
            token_secret=settings.secret_key,
            base_url=settings.public_url,
        )

    @staticmethod
    def session_id_for(order_id: int) -> str:
        return f"cs_local_{order_id}"

    def create_checkout_session(self, item, *, success_url, cancel_url, customer_email):
        session_id = self.session_id_for(item.order_id)
        token = self._tokens.dumps({
            "order_id": item.order_id, "session_id": session_id,
            "success_url": success_url, "cancel_url": cancel_url, "email": customer_email,
        })
        url = f"{self.base_url}{LOCAL_CHECKOUT_PATH}/{item.order_id}?token={token}"
        return CheckoutSession(session_id=session_id, url=url)

    def read_token(self, order_id: int, token: str) -> dict[str, Any] | None:
        """The checkout's details when the token is genuine, unexpired and for this order."""
        try:
            data = self._tokens.loads(token, max_age=LOCAL_CHECKOUT_MAX_AGE)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(data, dict) or data.get("order_id") != order_id:
            return None
        return data

    def completed_event(self, item: CheckoutItem, *, session_id: str, email: str | None) -> dict[str, Any]:
        """A `checkout.session.completed` event in Stripe's shape for a paid order."""
        now = int(time.time())
        return {
            "id": f"evt_local_{uuid.uuid4().hex}",
            "object": "event",
            "api_version": stripe.api_version,
            "created": now,
            "type": "checkout.session.completed",
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": {
                "id": session_id,
                "object": "checkout.session",
                "mode": "payment",
                "status": "complete",
                "payment_status": "paid",
                "amount_subtotal": item.amount_cents,
                "amount_total": item.amount_cents,
                "currency": item.currency,
                "client_reference_id": str(item.order_id),
                "metadata": order_metadata(item),
                "payment_intent": f"pi_local_{item.order_id}",
                "customer": None,
                "customer_details": {"email": email, "name": None},
                "created": now,
                "expires_at": int((datetime.now(UTC) + timedelta(hours=24)).timestamp()),
                "livemode": False,
            }},
        }

    def sign(self, payload: str, *, timestamp: int | None = None) -> str:
        """The Stripe-Signature header Stripe would send for this body (the SDK's own helper)."""
        return stripe.WebhookSignature.generate_signature_header(payload, self.webhook_secret, timestamp)

    def signed_event(self, event: dict[str, Any]) -> tuple[bytes, str]:
        payload = json.dumps(event, separators=(",", ":"))
        return payload.encode(), self.sign(payload)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


_cached: tuple[Settings, PaymentProvider] | None = None


def build_payments(settings: Settings) -> PaymentProvider:
    if settings.payments_backend is PaymentsBackend.STRIPE:
        return StripePayments.from_settings(settings)
    return LocalPayments.from_settings(settings)


def get_payments() -> PaymentProvider:
    """The configured provider; rebuilt when the settings are reloaded."""
    global _cached
    settings = get_settings()
    if _cached is None or _cached[0] is not settings:
        _cached = (settings, build_payments(settings))
    return _cached[1]
