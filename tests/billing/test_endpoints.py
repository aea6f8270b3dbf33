"""The billing routes through the real app: the embedded recharge flow end to end, the Stripe
backend against the local fake, the webhook endpoint, and the orders list."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe
from sqlmodel import select

from backend.credits import service as credits
from backend.db import unit_of_work
from backend.models import CreditOrder, CreditTransaction, OrderStatus, StripeEvent, TransactionType, User
from tests.billing import events
from tests.billing.conftest import login, path_of


def user_id_of(email: str) -> int:
    with unit_of_work() as session:
        return session.exec(select(User.id).where(User.email == email)).one()


def balance_of(email: str) -> Decimal:
    with unit_of_work() as session:
        return credits.get_balance(session, user_id_of(email)).total


def order_of(order_id: int) -> CreditOrder:
    with unit_of_work() as session:
        return session.get(CreditOrder, order_id)


def recharge(client, package_id: str = "growth") -> dict:
    response = client.post("/api/v1/credits/recharge", json={"package_id": package_id})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success"
    return body["data"]


def post_event(client, event: dict, secret: str, *, header: str | None = None):
    payload = events.encode(event)
    return client.post("/webhooks/stripe", content=payload, headers={
        "Stripe-Signature": header if header is not None else events.sign(payload, secret),
        "Content-Type": "application/json",
    })


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "error" and body["error"]["code"] == code
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    return body["error"]


class TestPackagesAndOrders:
    def test_packages_need_a_session(self, client):
        assert_envelope(client.get("/api/v1/credits/packages"), 401, "1002")

    def test_packages(self, client):
        login(client)
        body = client.get("/api/v1/credits/packages").json()
        assert body["status"] == "success"
        assert body["data"][0] == {"id": "starter", "name": "Starter", "credits": "1000.00",
                                   "price_cents": 999, "currency": "usd"}

    def test_unknown_package_is_a_4000_naming_the_field(self, client):
        login(client)
        error = assert_envelope(client.post("/api/v1/credits/recharge", json={"package_id": "gold"}), 422, "4000")
        assert error["details"]["field"] == "package_id"
        assert_envelope(client.post("/api/v1/credits/recharge", json={}), 422, "4000")

    def test_orders_are_the_users_own_newest_first_and_paged(self, client, app):
        from fastapi.testclient import TestClient

        login(client)
        ids = [recharge(client, p)["order_id"] for p in ("starter", "growth", "scale")]
        other = TestClient(app, follow_redirects=False)
        login(other)
        recharge(other)
        page = client.get("/api/v1/billing/orders", params={"limit": 2}).json()["data"]
        assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 0
        assert [o["id"] for o in page["items"]] == ids[::-1][:2]
        assert page["items"][0] | {"created_at": None} == {
            "id": ids[2], "package_id": "scale", "credits": "12000.00", "amount_cents": 9999, "currency": "usd",
            "status": "pending", "credits_reversed": "0.00", "created_at": None, "paid_at": None}
        rest = client.get("/api/v1/billing/orders", params={"limit": 2, "offset": 2}).json()["data"]
        assert [o["id"] for o in rest["items"]] == [ids[0]]
        assert_envelope(client.get("/api/v1/billing/orders", params={"limit": 101}), 422, "4000")


class TestEmbeddedRechargeFlow:
    def test_recharge_checkout_page_pay_webhook_balance_once(self, client, monkeypatch):
        verified = []
        real_construct = stripe.Webhook.construct_event
        monkeypatch.setattr(stripe.Webhook, "construct_event",
                            lambda *a, **k: verified.append(a[1]) or real_construct(*a, **k))
        email = login(client)
        before = balance_of(email)
        data = recharge(client)
        assert data["checkout_url"].startswith(f"http://127.0.0.1:3000/api/v1/billing/local-checkout/{data['order_id']}?token=")

        page = client.get(path_of(data["checkout_url"]))
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Test checkout — no real payment" in page.text and "49.99 USD" in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert page.headers["referrer-policy"] == "no-referrer"
        pay_action = re.search(r'action="([^"]+/pay)"', page.text).group(1)
        token = parse_qs(urlsplit(data["checkout_url"]).query)["token"][0]

        paid = client.post(pay_action, data={"token": token})
        assert paid.status_code == 303
        assert paid.headers["location"] == f"http://127.0.0.1:3000/billing?paid=1&session_id=cs_local_{data['order_id']}"
        assert len(verified) == 1 and verified[0].startswith("t=")  # went through signature verification
        assert balance_of(email) == before + Decimal("5500")
        order = order_of(data["order_id"])
        assert order.status == OrderStatus.PAID and order.payment_intent_id == f"pi_local_{order.id}"

        again = client.post(pay_action, data={"token": token})  # a second click
        assert again.status_code == 303 and balance_of(email) == before + Decimal("5500")
        revisit = client.get(path_of(data["checkout_url"]))
        assert 'id="pay"' not in revisit.text and "This order is paid" in revisit.text

    def test_cancel_returns_without_paying(self, client):
        email = login(client)
        before = balance_of(email)
        data = recharge(client, "starter")
        token = parse_qs(urlsplit(data["checkout_url"]).query)["token"][0]
        response = client.post(f"/api/v1/billing/local-checkout/{data['order_id']}/cancel", data={"token": token})
        assert response.status_code == 303 and response.headers["location"].endswith("/billing?canceled=1")
        assert order_of(data["order_id"]).status == OrderStatus.PENDING and balance_of(email) == before

    def test_bad_tokens_are_refused(self, client):
        login(client)
        first, second = recharge(client), recharge(client)
        token = parse_qs(urlsplit(first["checkout_url"]).query)["token"][0]
        base = "/api/v1/billing/local-checkout"
        assert_envelope(client.get(f"{base}/{second['order_id']}", params={"token": token}), 403, "1004")
        assert_envelope(client.get(f"{base}/{first['order_id']}", params={"token": token + "x"}), 403, "1004")
        assert_envelope(client.post(f"{base}/{second['order_id']}/pay", data={"token": token}), 403, "1004")
        assert order_of(second["order_id"]).status == OrderStatus.PENDING

    def test_local_checkout_does_not_exist_with_stripe(self, client, use_stripe):
        login(client)
        data = recharge(client)
        assert data["checkout_url"].startswith("https://checkout.stripe.com/")
        response = client.get(f"/api/v1/billing/local-checkout/{data['order_id']}", params={"token": "x"})
        assert_envelope(response, 404, "5000")


class TestStripeBackend:
    def test_recharge_creates_a_checkout_session_then_the_webhook_credits(self, client, use_stripe, fake_stripe,
                                                                          webhook_secret):
        email = login(client)
        before = balance_of(email)
        data = recharge(client, "scale")
        request = fake_stripe.requests[-1]
        assert request.params["line_items[0][price_data][unit_amount]"] == "9999"
        assert request.params["client_reference_id"] == str(data["order_id"])
        assert request.idempotency_key.startswith(f"aae-checkout-order-{data['order_id']}-")
        order = order_of(data["order_id"])
        assert data["checkout_url"].endswith(order.checkout_session_id + "#fidkdWxOYHwnPyd1blpxYHZxWjA0")
        event = events.completed(order)
        for _ in range(10):
            assert post_event(client, event, webhook_secret).status_code == 200
        assert balance_of(email) == before + Decimal("12000")

    def test_stripe_failure_is_a_502_and_leaves_no_order(self, client, use_stripe, fake_stripe):
        email = login(client)
        fake_stripe.fail_next = (500, {"type": "api_error", "message": "Something went wrong on Stripe's end."})
        assert_envelope(client.post("/api/v1/credits/recharge", json={"package_id": "scale"}), 502, "6030")
        with unit_of_work() as session:
            assert session.exec(select(CreditOrder).where(CreditOrder.user_id == user_id_of(email))).all() == []


class TestWebhookEndpoint:
    @pytest.fixture()
    def paid_order(self, client, webhook_secret):
        email = login(client)
        order = order_of(recharge(client)["order_id"])
        assert post_event(client, events.completed(order), webhook_secret).status_code == 200
        return email, order

    def test_replayed_ten_times_credits_once(self, client, webhook_secret):
        email = login(client)
        before = balance_of(email)
        order = order_of(recharge(client)["order_id"])
        event = events.completed(order)
        bodies = [post_event(client, event, webhook_secret).json() for _ in range(10)]
        assert bodies[0]["data"] == {"event_id": event["id"], "type": "checkout.session.completed",
                                     "outcome": "handled", "duplicate": False}
        assert all(b["data"]["duplicate"] for b in bodies[1:])
        assert balance_of(email) == before + Decimal("5500")
        with unit_of_work() as session:
            rows = session.exec(select(CreditTransaction).where(
                CreditTransaction.user_id == user_id_of(email), CreditTransaction.type == TransactionType.RECHARGE)).all()
            assert len(rows) == 1

    @pytest.mark.parametrize("case", ["bad_signature", "tampered", "old_timestamp", "missing"])
    def test_unverifiable_events_are_400_and_change_nothing(self, client, webhook_secret, case):
        email = login(client)
        before = balance_of(email)
        order = order_of(recharge(client)["order_id"])
        event = events.completed(order)
        payload = events.encode(event)
        header = {
            "bad_signature": events.sign(payload, "whsec_wrong"),
            "tampered": events.sign(payload.replace(b'"amount_total": 4999', b'"amount_total": 4998'), webhook_secret),
            "old_timestamp": events.sign(payload, webhook_secret, timestamp=int(time.time()) - 3600),
            "missing": "",
        }[case]
        response = client.post("/webhooks/stripe", content=payload, headers={"Stripe-Signature": header})
        assert_envelope(response, 400, "1003")
        assert balance_of(email) == before
        with unit_of_work() as session:
            assert session.exec(select(StripeEvent).where(StripeEvent.event_id == event["id"])).first() is None

    def test_unknown_types_are_acknowledged_and_ignored(self, client, webhook_secret):
        event = events.envelope("invoice.paid", {"id": "in_1", "object": "invoice"})
        response = post_event(client, event, webhook_secret)
        assert response.status_code == 200 and response.json()["data"]["outcome"] == "ignored"

    def test_refund_and_dispute_take_credits_back(self, client, webhook_secret, paid_order):
        email, order = paid_order
        after_purchase = balance_of(email)
        post_event(client, events.charge_refunded(order, 2500), webhook_secret)
        share = (Decimal(5500) * 2500 / 4999).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        assert balance_of(email) == after_purchase - share
        post_event(client, events.dispute_created(order), webhook_secret)
        assert balance_of(email) == after_purchase - Decimal("5500")
        assert order_of(order.id).status == OrderStatus.DISPUTED

    def test_refund_before_completion_is_409_then_redelivered(self, client, webhook_secret):
        email = login(client)
        before = balance_of(email)
        order = order_of(recharge(client)["order_id"])
        refund = events.charge_refunded(order, 4999)
        assert_envelope(post_event(client, refund, webhook_secret), 409, "4009")
        with unit_of_work() as session:  # the failed attempt was kept
            row = session.exec(select(StripeEvent).where(StripeEvent.event_id == refund["id"])).one()
            assert row.status == "failed" and row.error
        assert post_event(client, events.completed(order), webhook_secret).status_code == 200
        redelivered = post_event(client, refund, webhook_secret)
        assert redelivered.status_code == 200 and redelivered.json()["data"]["outcome"] == "handled"
        assert balance_of(email) == before
        assert order_of(order.id).status == OrderStatus.REFUNDED
