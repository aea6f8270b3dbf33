"""The executor called in-process (as the in-app chat will): concurrent replays, abandoned
claims, low-balance alerts from tool charges."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import Conflict
from backend.mcp import service as executor
from backend.mcp.registry import ToolParams, ToolSpec
from backend.models import CreditHold, HoldStatus, Notification, ToolInvocation
from tests.mcp.conftest import balance_of, new_member

LANDING_PAGE = {"name": "Spring sale", "product_url": "https://shop.example.com/shoes"}


class Gate(ToolParams):
    pass


@pytest.fixture()
def gated_tool(temporary_tool):
    """A paid tool that waits inside its handler until the test opens the gate."""
    entered, gate = threading.Event(), threading.Event()

    def handler(session, user_id, params):
        entered.set()
        assert gate.wait(timeout=30), "the test never opened the gate"
        return {"done": True}

    temporary_tool(ToolSpec("test_gated", "Waits for the test", Gate, handler, cost=Decimal("3")))
    return entered, gate


class TestConcurrentCalls:
    def test_a_second_call_while_the_first_runs_is_refused_then_replayed(self, committed_engine, gated_tool):
        entered, gate = gated_tool
        member = new_member(gifted="10", purchased="0")
        outcome: dict = {}

        def first():
            outcome["first"] = executor.execute(member.id, "test_gated", {}, "op-concurrent")

        thread = threading.Thread(target=first)
        thread.start()
        try:
            assert entered.wait(timeout=30)
            with pytest.raises(Conflict) as running:
                executor.execute(member.id, "test_gated", {}, "op-concurrent")
            assert running.value.message == "This operation is still running"
        finally:
            gate.set()
            thread.join(timeout=30)
        replay = executor.execute(member.id, "test_gated", {}, "op-concurrent")
        assert replay.replayed and replay.data == outcome["first"].data == {"done": True}
        assert balance_of(member.id) == Decimal("7")


class TestAbandonedClaims:
    def test_a_stale_running_claim_is_released_and_retried(self, committed_engine):
        member = new_member(gifted="40", purchased="0")
        spec = executor.get_tool_or_raise("create_landing_page")
        request_hash = executor._request_hash(spec, executor.validate_params(spec, LANDING_PAGE))
        with unit_of_work() as session:  # what a process that died after reserving leaves behind
            session.add(ToolInvocation(user_id=member.id, operation_id="op-stale", tool=spec.name,
                                       request_hash=request_hash,
                                       updated_at=datetime.now(UTC) - executor.STALE_AFTER - timedelta(minutes=1)))
            credits.reserve(session, user_id=member.id, operation_id="mcp:op-stale#1", estimate="15",
                            operation_type="mcp.create_landing_page")
        assert balance_of(member.id) == Decimal("25")
        result = executor.execute(member.id, "create_landing_page", LANDING_PAGE, "op-stale")
        assert result.credits_charged == Decimal("15.00") and not result.replayed
        assert balance_of(member.id) == Decimal("25")
        with unit_of_work() as session:
            holds = {h.operation_id: h.status for h in session.exec(
                select(CreditHold).where(CreditHold.user_id == member.id))}
            invocation = session.exec(select(ToolInvocation).where(ToolInvocation.user_id == member.id)).one()
        assert holds == {"mcp:op-stale#1": HoldStatus.RELEASED, "mcp:op-stale#2": HoldStatus.SETTLED}
        assert (invocation.status, invocation.attempts) == ("succeeded", 2)


class TestLowBalance:
    def test_a_tool_charge_crossing_the_critical_threshold_alerts_once(self, committed_engine):
        """The charge of a paid tool counts for the low-balance alert like any other (Property 34)."""
        member = new_member(gifted="20", purchased="0")
        executor.execute(member.id, "create_landing_page", LANDING_PAGE)
        with unit_of_work() as session:
            alerts = session.exec(select(Notification).where(Notification.user_id == member.id,
                                                             Notification.type == "urgent")).all()
        assert len(alerts) == 1 and alerts[0].meta["kind"] == "low_balance"
