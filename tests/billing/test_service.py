"""Billing service: packages, orders, checkout, and the webhook event handling on MariaDB."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest
from sqlmodel import select

from backend.audit.service import AuditAction
from backend.billing import service as billing
from backend.credits import service as credits
from backend.errors import ValidationFailed
from backend.integrations.payments import PaymentProviderError
from backend.models import AuditLog, CreditOrder, CreditTransaction, OrderStatus, StripeEvent, TransactionType
from tests.billing import events
from tests.factories import make_user


def make_order(session, user, package_id: str = "growth") -> CreditOrder:
    order = billing.create_order(session, user_id=user.id, package_id=package_id)
    order.checkout_session_id = f"cs_test_{uuid.uuid4().hex[:16]}"
    session.add(order)
    session.flush()
    return order


def ledger(session, user, type_: TransactionType) -> list[CreditTransaction]:
    return list(session.exec(select(CreditTransaction).where(
        CreditTransaction.user_id == user.id, CreditTransaction.type == type_)))


def audit_actions(session, user) -> list[str]:
    return [row.action for row in session.exec(select(AuditLog).where(AuditLog.user_id == user.id))]


def stored(session, event) -> StripeEvent:
    return session.exec(select(StripeEvent).where(StripeEvent.event_id == event["id"])).one()


def total(session, user) -> Decimal:
    return credits.get_balance(session, user.id).total


class TestPackages:
    def test_default_packages(self, session):
        packages = billing.list_packages(session)
        assert [p.id for p in packages] == ["starter", "growth", "scale"]
        assert packages[1].credits == Decimal("5500.00") and packages[1].price_cents == 4999

    def test_malformed_packages_are_skipped(self, session):
        credits.update_config(session, updated_by="test", packages=[
            {"id": "ok", "name": "OK", "credits": "10", "price_cents": 100, "currency": "EUR"},
            {"id": "no-price", "credits": "10"},
            {"id": "bad-credits", "credits": "lots", "price_cents": 100},
            {"id": "free", "credits": "10", "price_cents": 0},
        ])
        [package] = billing.list_packages(session)
        assert (package.id, package.currency) == ("ok", "eur")


class TestCreateOrder:
    def test_pending_order_priced_from_the_package(self, session):
        user = make_user(session)
        order = billing.create_order(session, user_id=user.id, package_id="starter")
        assert order.id and order.status == OrderStatus.PENDING
        assert (order.credits, order.amount_cents, order.currency) == (Decimal("1000.00"), 999, "usd")

    def test_unknown_package_names_the_field(self, session):
        user = make_user(session)
        with pytest.raises(ValidationFailed) as caught:
            billing.create_order(session, user_id=user.id, package_id="platinum")
        assert caught.value.code == "4000" and caught.value.details["field"] == "package_id"


class TestStartCheckout:
    def test_stores_the_stripe_session_on_the_order(self, session, stripe_payments, fake_stripe):
        user = make_user(session)
        started = billing.start_checkout(session, user=user, package_id="scale", provider=stripe_payments)
        request = fake_stripe.requests[-1]
        assert started.checkout_url.startswith("https://checkout.stripe.com/")
        assert started.order.checkout_session_id.startswith("cs_test_")
        assert request.params["client_reference_id"] == str(started.order.id)
        assert request.params["customer_email"] == user.email
        assert request.params["success_url"].endswith("/billing?paid=1&session_id={CHECKOUT_SESSION_ID}")
        assert request.idempotency_key.startswith(f"aae-checkout-order-{started.order.id}-")

    def test_provider_failure_raises(self, session, stripe_payments, fake_stripe):
        fake_stripe.fail_next = (500, {"type": "api_error", "message": "boom"})
        with pytest.raises(PaymentProviderError):
            billing.start_checkout(session, user=make_user(session), package_id="scale", provider=stripe_payments)


class TestCheckoutEvents:
    def test_completed_credits_once_with_ledger_audit_and_stored_event(self, session):
        user = make_user(session)
        order = make_order(session, user)
        before = total(session, user)
        event = events.completed(order)
        outcome = billing.handle_event(session, event)
        assert (outcome.status, outcome.duplicate, outcome.retry) == ("handled", False, None)
        assert total(session, user) == before + Decimal("5500")
        session.refresh(order)
        assert order.status == OrderStatus.PAID and order.paid_at and order.payment_intent_id == f"pi_test_{order.id}"
        [tx] = ledger(session, user, TransactionType.RECHARGE)
        assert tx.operation_id == f"order:{order.id}" and tx.amount == Decimal("5500")
        assert AuditAction.CREDITS_PURCHASED in audit_actions(session, user)
        row = stored(session, event)
        assert row.status == "handled" and row.handled_at and row.payload["id"] == event["id"]

    def test_replayed_ten_times_credits_once(self, session):
        user = make_user(session)
        order = make_order(session, user)
        before = total(session, user)
        event = events.completed(order)
        outcomes = [billing.handle_event(session, event) for _ in range(10)]
        assert [o.duplicate for o in outcomes] == [False] + [True] * 9
        assert total(session, user) == before + Decimal("5500")
        assert len(ledger(session, user, TransactionType.RECHARGE)) == 1
        assert audit_actions(session, user).count(AuditAction.CREDITS_PURCHASED) == 1

    def test_different_events_for_one_payment_credit_once(self, session):
        user = make_user(session)
        order = make_order(session, user)
        before = total(session, user)
        for event in (events.completed(order), events.async_succeeded(order), events.completed(order)):
            billing.handle_event(session, event)
        assert total(session, user) == before + Decimal("5500")

    def test_delayed_payment_credits_on_async_success(self, session):
        user = make_user(session)
        order = make_order(session, user)
        before = total(session, user)
        billing.handle_event(session, events.completed(order, payment_status="unpaid"))
        session.refresh(order)
        assert order.status == OrderStatus.PENDING and order.payment_intent_id
        assert total(session, user) == before
        billing.handle_event(session, events.async_succeeded(order))
        assert total(session, user) == before + Decimal("5500")

    def test_amount_mismatch_credits_nothing_and_fails_the_event(self, session):
        user = make_user(session)
        order = make_order(session, user)
        before = total(session, user)
        event = events.completed(order, amount=1)
        outcome = billing.handle_event(session, event)
        assert outcome.status == "failed" and outcome.retry is None
        assert "6031" in stored(session, event).error
        session.refresh(order)
        assert order.status == OrderStatus.PENDING and total(session, user) == before

    def test_expired_then_late_completion(self, session):
        user = make_user(session)
        order = make_order(session, user)
        billing.handle_event(session, events.expired(order))
        session.refresh(order)
        assert order.status == OrderStatus.EXPIRED
        billing.handle_event(session, events.completed(order))  # money was taken: honour it
        session.refresh(order)
        assert order.status == OrderStatus.PAID

    def test_expired_after_payment_changes_nothing(self, session):
        user = make_user(session)
        order = make_order(session, user)
        billing.handle_event(session, events.completed(order))
        billing.handle_event(session, events.expired(order))
        session.refresh(order)
        assert order.status == OrderStatus.PAID

    def test_unknown_type_and_foreign_session_are_ignored(self, session):
        user = make_user(session)
        order = make_order(session, user)
        unknown = events.envelope("customer.created", {"id": "cus_1", "object": "customer"})
        assert billing.handle_event(session, unknown).status == "ignored"
        assert stored(session, unknown).status == "ignored"
        foreign = events.completed(order)
        foreign["data"]["object"] |= {"id": "cs_test_foreign", "client_reference_id": "other-app-7", "metadata": {}}
        assert billing.handle_event(session, foreign).status == "ignored"
        session.refresh(order)
        assert order.status == OrderStatus.PENDING


class TestReversals:
    @pytest.fixture()
    def paid(self, session):
        user = make_user(session, gifted="0", purchased="0")
        order = make_order(session, user)  # 5500 credits for 4999 cents
        billing.handle_event(session, events.completed(order))
        return user, order

    def test_partial_refunds_reverse_proportionally_once(self, session, paid):
        user, order = paid
        billing.handle_event(session, events.charge_refunded(order, 1000))
        expected = (Decimal(5500) * 1000 / 4999).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        assert total(session, user) == Decimal("5500") - expected
        billing.handle_event(session, events.charge_refunded(order, 1000))  # same amount, new event id
        billing.handle_event(session, events.charge_refunded(order, 500))   # an older, smaller total
        assert total(session, user) == Decimal("5500") - expected
        billing.handle_event(session, events.charge_refunded(order, 4999))
        session.refresh(order)
        assert total(session, user) == 0 and order.credits_reversed == Decimal("5500")
        assert order.status == OrderStatus.REFUNDED
        assert len(ledger(session, user, TransactionType.REVERSAL)) == 2
        assert audit_actions(session, user).count(AuditAction.CREDITS_REVERSED) == 2

    def test_spent_credits_become_debt_never_a_negative_balance(self, session, paid):
        user, order = paid
        credits.deduct(session, user_id=user.id, amount="5000", operation_type="test", operation_id=uuid.uuid4().hex)
        billing.handle_event(session, events.charge_refunded(order, 4999))
        balance = credits.get_balance(session, user.id)
        assert balance.total == 0 and balance.debt == Decimal("5000")
        [reversal] = ledger(session, user, TransactionType.REVERSAL)
        assert reversal.details["debt_recorded"] == "5000.00"

    def test_dispute_reverses_what_is_left(self, session, paid):
        user, order = paid
        billing.handle_event(session, events.charge_refunded(order, 2500))
        billing.handle_event(session, events.dispute_created(order))
        session.refresh(order)
        assert order.status == OrderStatus.DISPUTED and order.credits_reversed == Decimal("5500")
        assert total(session, user) == 0
        billing.handle_event(session, events.charge_refunded(order, 4999))
        billing.handle_event(session, events.dispute_created(order))
        assert total(session, user) == 0 and len(ledger(session, user, TransactionType.REVERSAL)) == 2

    def test_refund_before_completion_is_retried_then_applied(self, session):
        user = make_user(session, gifted="0", purchased="0")
        order = make_order(session, user)
        refund = events.charge_refunded(order, 4999)
        outcome = billing.handle_event(session, refund)
        assert outcome.status == "failed" and outcome.retry is not None and outcome.retry.http_status == 409
        assert stored(session, refund).status == "failed"
        billing.handle_event(session, events.completed(order))
        again = billing.handle_event(session, refund)  # Stripe's redelivery of the same event
        assert again.duplicate and again.status == "handled"
        assert total(session, user) == 0 and stored(session, refund).status == "handled"

    def test_old_event_for_a_payment_we_never_sold_is_ignored(self, session):
        user = make_user(session)
        order = make_order(session, user)
        stale = events.charge_refunded(order, 100, created=int(time.time()) - 2 * 24 * 3600)
        assert billing.handle_event(session, stale).status == "ignored"
