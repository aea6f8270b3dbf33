"""Transactions that really commit on MariaDB: atomicity and concurrency of the ledger."""

from __future__ import annotations

import random
import threading
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, select

from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import InsufficientCredits
from backend.models import CreditTransaction, TransactionType, User
from tests.factories import make_user


def _new_user(engine, gifted: str | None, purchased: str | None) -> int:
    with unit_of_work(engine) as session:
        return make_user(session, gifted=gifted, purchased=purchased).id


def test_property_9_balance_and_ledger_row_commit_or_fail_together(committed_engine):
    """Property 9: when the ledger insert fails after the balance UPDATE ran, neither is kept."""
    user_id = _new_user(committed_engine, "100", "0")
    executed: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE users"):
            executed.append("update")
        elif statement.startswith("INSERT INTO credit_transactions"):
            executed.append("insert")
            if "update" in executed:
                raise RuntimeError("ledger write failed")

    event.listen(committed_engine, "before_cursor_execute", before_cursor_execute)
    try:
        with pytest.raises(RuntimeError):
            with unit_of_work(committed_engine) as session:
                credits.deduct(session, user_id=user_id, amount="30", operation_type="t", operation_id="p9")
    finally:
        event.remove(committed_engine, "before_cursor_execute", before_cursor_execute)
    assert executed == ["update", "insert"]  # the balance UPDATE really ran before the failing insert
    with Session(committed_engine) as fresh:
        assert fresh.get(User, user_id).balance == Decimal("100.00")
        deducts = fresh.exec(select(func.count()).select_from(CreditTransaction).where(
            CreditTransaction.user_id == user_id, CreditTransaction.type == TransactionType.DEDUCT)).one()
        assert deducts == 0


def test_concurrent_ledger_32_threads(committed_engine):
    """32 threads doing random deduct/refund/recharge on the same users: balance == Σ ledger,
    never negative, and no operation charged twice even when retried concurrently."""
    # Plain registrations: the 500-credit bonus is the first ledger row, so balance == Σ ledger from the start.
    user_ids = [_new_user(committed_engine, None, None) for _ in range(4)]
    rng = random.Random(20261126)
    plans = []
    for t in range(32):
        ops = []
        for i in range(12):
            kind = rng.choice(["deduct", "deduct", "deduct", "deduct", "recharge", "refund"])
            ops.append((kind, rng.choice(user_ids), Decimal(rng.randint(1, 6000)) / 100, f"t{t}-op{i}"))
        plans.append(ops)
    # Replays: the same operation ids sent from other threads too (client retries).
    for t in range(0, 32, 4):
        plans[t + 1].extend(plans[t][:4])
    errors: list[BaseException] = []
    insufficient = Counter()
    barrier = threading.Barrier(32)

    def worker(ops):
        barrier.wait()
        for kind, user_id, amount, op_id in ops:
            for attempt in range(5):
                try:
                    with unit_of_work(committed_engine) as session:
                        if kind == "deduct":
                            credits.deduct(session, user_id=user_id, amount=amount, operation_type="load",
                                           operation_id=op_id)
                        elif kind == "recharge":
                            credits.recharge(session, user_id=user_id, amount=amount, operation_id=op_id)
                        else:
                            credits.refund(session, user_id=user_id, amount=amount, operation_type="load",
                                           operation_id=op_id)
                    break
                except InsufficientCredits:
                    insufficient[kind] += 1
                    break
                except Exception as exc:  # a lost race on the idempotency key: retry like a client
                    if "Duplicate entry" in str(exc) and attempt < 4:
                        continue
                    errors.append(exc)
                    break

    threads = [threading.Thread(target=worker, args=(ops,)) for ops in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(committed_engine) as session:
        for user_id in user_ids:
            user = session.get(User, user_id)
            rows = session.exec(select(CreditTransaction).where(CreditTransaction.user_id == user_id)
                                .order_by(CreditTransaction.id)).all()
            signed = sum((-r.amount if r.type == TransactionType.DEDUCT else r.amount for r in rows), Decimal(0))
            assert user.balance == signed
            assert user.gifted_credits >= 0 and user.purchased_credits >= 0
            assert all(r.balance_after >= 0 for r in rows)
            keys = [r.idempotency_key for r in rows]
            assert len(keys) == len(set(keys))
            # the running balance_after sequence is consistent: each row applies to the one before
            running = Decimal(0)
            for r in rows:
                running += -r.amount if r.type == TransactionType.DEDUCT else r.amount
                assert r.balance_after == running
    assert insufficient["deduct"] > 0  # the load really drove balances to the floor
