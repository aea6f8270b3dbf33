"""Any order, duplication or interleaving of Stripe events credits each paid order exactly once."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from backend.billing import service as billing
from backend.credits import service as credits
from backend.models import CreditTransaction, StripeEvent, TransactionType
from tests.billing import events
from tests.billing.test_service import make_order
from tests.factories import make_user

KINDS = ["completed", "completed_unpaid", "async_succeeded", "expired", "refund", "dispute"]
event_spec = st.tuples(st.integers(0, 1), st.sampled_from(KINDS), st.integers(1, 4999))


def build(order, kind: str, refunded: int) -> dict:
    if kind == "completed":
        return events.completed(order)
    if kind == "completed_unpaid":
        return events.completed(order, payment_status="unpaid")
    if kind == "async_succeeded":
        return events.async_succeeded(order)
    if kind == "expired":
        return events.expired(order)
    if kind == "refund":
        return events.charge_refunded(order, refunded)
    return events.dispute_created(order)


def net(session, user) -> Decimal:
    balance = credits.get_balance(session, user.id)
    assert balance.gifted >= 0 and balance.purchased >= 0 and balance.debt >= 0
    return balance.total - balance.debt


def recharges(session, order) -> int:
    return len(session.exec(select(CreditTransaction).where(
        CreditTransaction.type == TransactionType.RECHARGE, CreditTransaction.operation_id == f"order:{order.id}")).all())


@given(data=st.data())
def test_events_in_any_order_credit_each_paid_order_once(session, data):
    """Replayed, duplicated and out-of-order webhook events: credits granted exactly once per paid
    order, reversals never exceed the order, the balance never goes negative (debt is recorded)."""
    user = make_user(session)
    orders = [make_order(session, user, "growth"), make_order(session, user, "starter")]
    pool = [build(orders[i], kind, amount) for i, kind, amount in data.draw(st.lists(event_spec, min_size=1, max_size=8))]
    deliveries = data.draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=20))
    start = net(session, user)

    delivered: set[int] = set()
    for index in deliveries:
        billing.handle_event(session, pool[index])
        delivered.add(index)
        net(session, user)
        for order in orders:
            session.refresh(order)
            assert recharges(session, order) <= 1 and order.credits_reversed <= order.credits
    # Stripe keeps redelivering what was answered non-2xx: retry the failed ones until nothing changes.
    for _ in range(len(pool)):
        failed = [i for i in delivered if session.exec(select(StripeEvent.status).where(
            StripeEvent.event_id == pool[i]["id"])).one() == "failed"]
        before = net(session, user)
        for index in failed:
            billing.handle_event(session, pool[index])
        if net(session, user) == before:
            break

    expected = start
    for order in orders:
        session.refresh(order)
        mine = [pool[i] for i in delivered if _order_of(pool[i]) == order.id]
        paid = any(e["type"] == "checkout.session.async_payment_succeeded" or (
            e["type"] == "checkout.session.completed" and e["data"]["object"]["payment_status"] == "paid") for e in mine)
        assert recharges(session, order) == (1 if paid else 0)
        if not paid:
            assert order.credits_reversed == 0
            continue
        if any(e["type"] == "charge.dispute.created" for e in mine):
            reversed_ = order.credits
        else:
            refunds = [e["data"]["object"]["amount_refunded"] for e in mine if e["type"] == "charge.refunded"]
            reversed_ = max([_share(order, r) for r in refunds], default=Decimal(0))
        assert order.credits_reversed == reversed_
        expected += order.credits - reversed_
    assert net(session, user) == expected


def _order_of(event: dict) -> int:
    obj = event["data"]["object"]
    if obj.get("client_reference_id"):
        return int(obj["client_reference_id"])
    return int(obj["payment_intent"].removeprefix("pi_test_"))


def _share(order, refunded: int) -> Decimal:
    if refunded >= order.amount_cents:
        return order.credits
    return (order.credits * refunded / order.amount_cents).quantize(Decimal("0.01"), ROUND_DOWN)
