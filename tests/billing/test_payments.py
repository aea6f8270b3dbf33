"""The payment providers: the real stripe SDK against the local fake, and webhook verification."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from backend.integrations.payments import (
    CheckoutItem,
    InvalidWebhookSignature,
    LocalPayments,
    PaymentProviderError,
    StripePayments,
    idempotency_key,
)
from tests.billing import events

ITEM = CheckoutItem(
    order_id=42, user_id=7, package_id="growth", name="Growth", credits=Decimal("5500.00"),
    amount_cents=4999, currency="usd", created_at=datetime(2026, 11, 26, 12, 0, tzinfo=UTC),
)
URLS = {"success_url": "https://app.example.com/billing?paid=1&session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://app.example.com/billing?canceled=1"}


class TestStripeCheckout:
    def test_creates_a_session_with_the_documented_params(self, stripe_payments, fake_stripe):
        before = len(fake_stripe.requests)
        session_id, url = stripe_payments.create_checkout_session(ITEM, customer_email="a@example.com", **URLS)
        assert session_id.startswith("cs_test_") and url.startswith("https://checkout.stripe.com/c/pay/")
        [request] = fake_stripe.requests[before:]
        assert request.authorization == "Bearer sk_test_x"
        assert request.idempotency_key == idempotency_key(ITEM)
        assert request.params == {
            "mode": "payment",
            "line_items[0][price_data][currency]": "usd",
            "line_items[0][price_data][unit_amount]": "4999",
            "line_items[0][price_data][product_data][name]": "Growth — 5500 credits",
            "line_items[0][quantity]": "1",
            "success_url": URLS["success_url"],
            "cancel_url": URLS["cancel_url"],
            "client_reference_id": "42",
            "metadata[order_id]": "42", "metadata[user_id]": "7", "metadata[package_id]": "growth",
            "payment_intent_data[metadata][order_id]": "42",
            "payment_intent_data[metadata][user_id]": "7",
            "payment_intent_data[metadata][package_id]": "growth",
            "customer_email": "a@example.com",
        }

    def test_same_order_same_idempotency_key_same_session(self, stripe_payments, fake_stripe):
        item = CheckoutItem(**{**ITEM.__dict__, "order_id": 43})
        first = stripe_payments.create_checkout_session(item, customer_email=None, **URLS)
        second = stripe_payments.create_checkout_session(item, customer_email=None, **URLS)
        assert first == second
        keys = [r.idempotency_key for r in fake_stripe.requests[-2:]]
        assert keys[0] == keys[1] == "aae-checkout-order-43-" + str(int(ITEM.created_at.timestamp()))
        assert "customer_email" not in fake_stripe.requests[-1].params
        other = stripe_payments.create_checkout_session(CheckoutItem(**{**ITEM.__dict__, "order_id": 44}),
                                                        customer_email=None, **URLS)
        assert other.session_id != first.session_id

    @pytest.mark.parametrize("status,error", [
        (400, {"type": "invalid_request_error", "code": "parameter_missing", "param": "line_items",
               "message": "Missing required param: line_items."}),
        (401, {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_x"}),
        (500, {"type": "api_error", "message": "Something went wrong on Stripe's end."}),
    ])
    def test_stripe_errors_become_payment_provider_errors(self, stripe_payments, fake_stripe, status, error):
        fake_stripe.fail_next = (status, error)
        with pytest.raises(PaymentProviderError) as caught:
            stripe_payments.create_checkout_session(ITEM, customer_email=None, **URLS)
        assert caught.value.http_status == 502 and caught.value.details["http_status"] == status
        assert error["message"] in caught.value.details["reason"]

    def test_unreachable_stripe_is_a_payment_provider_error(self, webhook_secret):
        from tests.support.servers import free_port

        provider = StripePayments(secret_key="sk_test_x", webhook_secret=webhook_secret,
                                  api_base=f"http://127.0.0.1:{free_port()}", max_network_retries=0)
        with pytest.raises(PaymentProviderError):
            provider.create_checkout_session(ITEM, customer_email=None, **URLS)


class TestVerifyWebhook:
    @pytest.fixture()
    def provider(self, stripe_payments):
        return stripe_payments

    def test_accepts_a_correct_signature(self, provider, webhook_secret):
        payload = events.encode(events.envelope("checkout.session.completed", {"id": "cs_test_1"}))
        event = provider.verify_webhook(payload, events.sign(payload, webhook_secret))
        assert event == json.loads(payload) and isinstance(event["data"]["object"], dict)

    def test_accepts_any_v1_during_secret_rotation(self, provider, webhook_secret):
        payload = events.encode(events.envelope("charge.refunded", {"id": "ch_1"}))
        t = int(time.time())
        good = events.sign(payload, webhook_secret, timestamp=t).split("v1=")[1]
        header = f"t={t},v1={'0' * 64},v1={good},v0=ignored"
        assert provider.verify_webhook(payload, header)["type"] == "charge.refunded"

    @pytest.mark.parametrize("case", ["wrong_secret", "tampered_body", "old_timestamp", "missing", "garbage"])
    def test_rejects(self, provider, webhook_secret, case):
        payload = events.encode(events.envelope("checkout.session.completed", {"id": "cs_test_1"}))
        header: str | None = events.sign(payload, webhook_secret)
        if case == "wrong_secret":
            header = events.sign(payload, "whsec_someone_else")
        elif case == "tampered_body":
            payload = payload.replace(b"cs_test_1", b"cs_test_2")
        elif case == "old_timestamp":
            header = events.sign(payload, webhook_secret, timestamp=int(time.time()) - 301)
        elif case == "missing":
            header = None
        else:
            header = "not-a-signature"
        with pytest.raises(InvalidWebhookSignature) as caught:
            provider.verify_webhook(payload, header)
        assert caught.value.http_status == 400 and caught.value.code == "1003"

    def test_signed_garbage_is_rejected_as_not_an_event(self, provider, webhook_secret):
        for payload in (b"not json", b'{"object": "event"}', b"[1, 2]"):
            with pytest.raises(InvalidWebhookSignature):
                provider.verify_webhook(payload, events.sign(payload, webhook_secret))


class TestLocalPayments:
    def test_checkout_url_points_at_our_page_with_a_signed_token(self, local_payments):
        session_id, url = local_payments.create_checkout_session(ITEM, customer_email="a@example.com", **URLS)
        assert session_id == "cs_local_42"
        parts = urlsplit(url)
        assert parts.path == "/api/v1/billing/local-checkout/42"
        token = parse_qs(parts.query)["token"][0]
        details = local_payments.read_token(42, token)
        assert details["session_id"] == "cs_local_42" and details["email"] == "a@example.com"
        assert local_payments.read_token(43, token) is None  # another order
        payload, _, signed = token.partition(".")
        for i in range(0, len(payload), 7):  # any changed character of the payload is refused
            swapped = "A" if payload[i] != "A" else "B"
            assert local_payments.read_token(42, payload[:i] + swapped + payload[i + 1:] + "." + signed) is None

    def test_completed_event_has_stripes_shape_and_a_signature_stripe_accepts(self, local_payments, webhook_secret):
        event = local_payments.completed_event(ITEM, session_id="cs_local_42", email="a@example.com")
        obj = event["data"]["object"]
        assert event["object"] == "event" and event["type"] == "checkout.session.completed"
        assert event["id"].startswith("evt_") and isinstance(event["created"], int)
        assert obj["object"] == "checkout.session" and obj["payment_status"] == "paid"
        assert obj["amount_total"] == 4999 and obj["currency"] == "usd" and obj["client_reference_id"] == "42"
        payload, header = local_payments.signed_event(event)
        t = int(header.split(",")[0][2:])
        assert header == events.sign(payload, webhook_secret, timestamp=t)  # exactly the documented scheme
        assert local_payments.verify_webhook(payload, header) == event

    def test_another_secret_cannot_forge_local_events(self, local_payments):
        forger = LocalPayments(webhook_secret="whsec_forged", token_secret="x" * 32, base_url="http://x")
        payload, header = forger.signed_event(forger.completed_event(ITEM, session_id="cs_local_42", email=None))
        with pytest.raises(InvalidWebhookSignature):
            local_payments.verify_webhook(payload, header)
