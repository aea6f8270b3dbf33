"""Concurrent deliveries on real MariaDB transactions: one payment is credited once."""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlmodel import select

from backend.billing import service as billing
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.models import CreditTransaction, StripeEvent, TransactionType
from tests.billing import events
from tests.billing.test_service import make_order
from tests.factories import make_user


def deliver_concurrently(event_list: list[dict]) -> list[object]:
    barrier = threading.Barrier(len(event_list))
    results: list[object] = []

    def deliver(event: dict) -> None:
        barrier.wait()
        try:
            with unit_of_work() as session:
                results.append(billing.handle_event(session, event))
        except Exception as exc:  # collected and asserted on below
            results.append(exc)

    threads = [threading.Thread(target=deliver, args=(event,)) for event in event_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_deliveries_of_one_payment_credit_once(committed_engine):
    with unit_of_work() as session:
        user = make_user(session)
        order = make_order(session, user)
    with unit_of_work() as session:
        before = credits.get_balance(session, user.id).total
    same = events.completed(order)
    deliveries = [same] * 12 + [events.completed(order) for _ in range(3)] + [events.async_succeeded(order)]
    results = deliver_concurrently(deliveries)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if not r.duplicate and r.event_id == same["id"]) == 1
    with unit_of_work() as session:
        assert credits.get_balance(session, user.id).total == before + Decimal("5500")
        recharges = session.exec(select(CreditTransaction).where(
            CreditTransaction.user_id == user.id, CreditTransaction.type == TransactionType.RECHARGE)).all()
        assert len(recharges) == 1
        statuses = session.exec(select(StripeEvent.status).where(StripeEvent.event_id == same["id"])).all()
        assert statuses == ["handled"]
