"""Paid tools over HTTP: hold, then settle or release (Properties 35, 36), idempotent replays,
insufficient credits, the orchestrator's own usage, and the per-user rate limit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import col, select

from backend.common import ratelimit
from backend.config import reset_settings_cache
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import Conflict, StorageError
from backend.mcp.registry import ToolOutput, ToolParams, ToolSpec
from backend.models import CreditHold, CreditTransaction, HoldStatus, LandingPage, Notification, ToolInvocation
from tests.mcp.conftest import balance_of, new_member
from tests.mcp.support import envelope_error, execute, success

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("40"), places=2)
LANDING_PAGE = {"name": "Spring sale", "product_url": "https://shop.example.com/shoes"}


class Metered(ToolParams):
    estimate: Decimal
    actual: Decimal | None = None


def hold_of(user_id: int, tool: str) -> CreditHold:
    with unit_of_work() as session:
        return session.exec(select(CreditHold).where(CreditHold.user_id == user_id,
                                                     CreditHold.operation_type == f"mcp.{tool}")
                            .order_by(col(CreditHold.id).desc())).first()


def ledger_of(user_id: int, hold: CreditHold) -> list[tuple[str, Decimal]]:
    with unit_of_work() as session:
        rows = session.exec(select(CreditTransaction).where(
            CreditTransaction.user_id == user_id,
            col(CreditTransaction.operation_id).contains(hold.operation_id)).order_by(col(CreditTransaction.id)))
        return [(row.type, row.amount) for row in rows]


@pytest.fixture()
def metered_tool(temporary_tool):
    """A paid tool whose estimate and actual cost come from its params; it records what the
    balance and its hold looked like while it ran."""
    seen: list[dict] = []

    def handler(session, user_id, params: Metered):
        hold = session.exec(select(CreditHold).where(CreditHold.user_id == user_id)
                            .order_by(col(CreditHold.id).desc())).first()
        seen.append({"balance": credits.get_balance(session, user_id).total, "hold": hold.status,
                     "held": hold.amount_held})
        return ToolOutput({"done": True}, charged=params.actual)

    temporary_tool(ToolSpec("test_metered", "Paid, reports its actual cost", Metered, handler,
                            cost=lambda params, config: params.estimate))
    return seen


class Failing(ToolParams):
    estimate: Decimal
    kind: str


@pytest.fixture()
def failing_tool(temporary_tool):
    """A paid tool that writes a row, then fails."""

    def handler(session, user_id, params: Failing):
        session.add(Notification(user_id=user_id, type="general", category="system", title="half-done",
                                 message="written before the failure"))
        session.flush()
        raise {"storage": StorageError(), "conflict": Conflict(), "crash": RuntimeError("boom")}[params.kind]

    temporary_tool(ToolSpec("test_failing", "Paid, always fails", Failing, handler,
                            cost=lambda params, config: params.estimate))


class TestHoldThenSettle:
    @given(estimate=AMOUNTS, actual=AMOUNTS)
    def test_hold_then_settle_to_the_actual_cost(self, api, service_headers, metered_tool, estimate, actual):
        """Property 35: an MCP tool call pre-deducts the estimated credits, then adjusts (refund or
        additional deduction) to the actual consumption once it completes."""
        member = new_member(gifted="100", purchased="0")
        body = success(execute(api, service_headers, member.id, "test_metered",
                               {"estimate": str(estimate), "actual": str(actual)}))
        assert Decimal(body["credits_charged"]) == actual
        during = metered_tool[-1]
        assert during["hold"] == HoldStatus.HELD and during["held"] == estimate
        assert during["balance"] == Decimal("100") - estimate  # the hold was committed before the run
        assert balance_of(member.id) == Decimal("100") - actual
        hold = hold_of(member.id, "test_metered")
        assert (hold.status, hold.amount_held, hold.actual_amount) == (HoldStatus.SETTLED, estimate, actual)
        expected = [("deduct", estimate)]
        if actual < estimate:
            expected.append(("refund", estimate - actual))
        elif actual > estimate:
            expected.append(("deduct", actual - estimate))
        assert ledger_of(member.id, hold) == expected

    def test_without_a_reported_cost_the_estimate_is_charged(self, api, service_headers, metered_tool):
        member = new_member(gifted="20", purchased="0")
        body = success(execute(api, service_headers, member.id, "test_metered", {"estimate": "7.25"}))
        assert body["credits_charged"] == "7.25" and balance_of(member.id) == Decimal("12.75")

    def test_create_landing_page_charges_the_landing_page_rate(self, api, service_headers):
        member = new_member(gifted="10", purchased="20")
        body = success(execute(api, service_headers, member.id, "create_landing_page", LANDING_PAGE))
        assert body["credits_charged"] == "15.00" and body["data"]["status"] == "draft"
        assert balance_of(member.id) == Decimal("15.00")
        hold = hold_of(member.id, "create_landing_page")
        assert (hold.status, hold.from_gifted, hold.from_purchased) == (HoldStatus.SETTLED, Decimal("10"),
                                                                        Decimal("5"))


class TestFailureReleasesTheHold:
    @given(estimate=AMOUNTS, kind=st.sampled_from(["storage", "conflict", "crash"]))
    def test_a_failing_handler_gives_everything_back(self, api, service_headers, failing_tool, estimate, kind):
        """Property 36: when an operation fails after its credits were pre-deducted, the full
        pre-deducted amount is refunded and nothing the operation wrote is kept."""
        member = new_member(gifted="30", purchased="25")
        error = envelope_error(execute(api, service_headers, member.id, "test_failing",
                                       {"estimate": str(estimate), "kind": kind}),
                               {"storage": 502, "conflict": 409, "crash": 500}[kind], "3003")
        assert error["details"]["cause"]["code"] == {"storage": "5003", "conflict": "4009", "crash": "5002"}[kind]
        assert balance_of(member.id) == Decimal("55")
        hold = hold_of(member.id, "test_failing")
        assert (hold.status, hold.amount_held, hold.actual_amount) == (HoldStatus.RELEASED, estimate, Decimal("0"))
        assert ledger_of(member.id, hold) == [("deduct", estimate), ("refund", estimate)]
        with unit_of_work() as session:
            assert session.exec(select(Notification).where(Notification.user_id == member.id,
                                                           Notification.title == "half-done")).first() is None
            balance = credits.get_balance(session, member.id)
        assert (balance.gifted, balance.purchased) == (Decimal("30"), Decimal("25"))

    def test_a_real_tool_failing_validation_after_the_hold(self, api, service_headers):
        member = new_member(gifted="50", purchased="0")
        error = envelope_error(execute(api, service_headers, member.id, "create_landing_page",
                                       {**LANDING_PAGE, "product_url": "ftp://shop.example.com"}), 422, "3003")
        assert error["details"]["cause"] == {"code": "4000", "type": "VALIDATION_ERROR",
                                             "message": "The product URL must be a full http(s) address",
                                             "details": {"field": "product_url"}}
        assert balance_of(member.id) == Decimal("50")
        assert hold_of(member.id, "create_landing_page").status == HoldStatus.RELEASED

    def test_insufficient_credits_is_6011_and_nothing_runs(self, api, service_headers):
        member = new_member(gifted="5", purchased="4")
        error = envelope_error(execute(api, service_headers, member.id, "create_landing_page", LANDING_PAGE),
                               402, "6011")
        assert error["details"]["tool"] == "create_landing_page"
        assert error["details"]["required_credits"] == "15.00"
        assert balance_of(member.id) == Decimal("9")
        assert hold_of(member.id, "create_landing_page") is None
        with unit_of_work() as session:
            assert session.exec(select(LandingPage).where(LandingPage.user_id == member.id)).first() is None


class TestIdempotentReplay:
    def test_the_same_operation_runs_and_charges_once(self, api, service_headers):
        member = new_member(gifted="100", purchased="0")
        first = execute(api, service_headers, member.id, "create_landing_page", LANDING_PAGE, "orch-42")
        again = execute(api, service_headers, member.id, "create_landing_page", LANDING_PAGE, "orch-42")
        assert success(first) == success(again)
        assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"
        assert balance_of(member.id) == Decimal("85")
        with unit_of_work() as session:
            assert len(session.exec(select(LandingPage).where(LandingPage.user_id == member.id)).all()) == 1
            invocation = session.exec(select(ToolInvocation).where(ToolInvocation.user_id == member.id)).one()
        assert (invocation.status, invocation.credits_charged, invocation.attempts) == ("succeeded", 15, 1)

    def test_another_call_under_the_same_id_is_refused(self, api, service_headers):
        member = new_member(gifted="100", purchased="0")
        success(execute(api, service_headers, member.id, "create_landing_page", LANDING_PAGE, "orch-43"))
        changed = {**LANDING_PAGE, "name": "Summer sale"}
        envelope_error(execute(api, service_headers, member.id, "create_landing_page", changed, "orch-43"),
                       409, "4009")
        assert balance_of(member.id) == Decimal("85")

    def test_a_failed_operation_can_be_retried_under_its_id(self, api, service_headers):
        member = new_member(gifted="10", purchased="0")
        envelope_error(execute(api, service_headers, member.id, "create_landing_page", LANDING_PAGE, "orch-44"),
                       402, "6011")
        with unit_of_work() as session:
            credits.gift(session, user_id=member.id, amount="10", operation_type="test", operation_id="topup-44")
        body = success(execute(api, service_headers, member.id, "create_landing_page", LANDING_PAGE, "orch-44"))
        assert body["credits_charged"] == "15.00" and balance_of(member.id) == Decimal("5")

    def test_ids_are_per_user(self, api, service_headers):
        alice, bob = new_member(gifted="100"), new_member(gifted="100")
        for member in (alice, bob):
            success(execute(api, service_headers, member.id, "create_landing_page", LANDING_PAGE, "shared-id"))
            assert balance_of(member.id) == Decimal("85")


class TestOrchestratorUsage:
    def test_deduct_then_refund_idempotently(self, api, service_headers):
        member = new_member(gifted="10", purchased="0")
        usage = {"operation_id": "llm-7", "model": "gemini-pro", "input_tokens": 10_000, "output_tokens": 5_000}
        first = success(execute(api, service_headers, member.id, "deduct_credits", usage))
        again = success(execute(api, service_headers, member.id, "deduct_credits", usage))
        assert first["credits_charged"] == again["credits_charged"] == "1.50"  # 10 x 0.05 + 5 x 0.2
        assert again["data"]["replayed"] is True and balance_of(member.id) == Decimal("8.50")
        refund = {"operation_id": "llm-7-refund", "original_operation_id": "llm-7", "amount": "1.00"}
        for _ in range(2):
            success(execute(api, service_headers, member.id, "refund_credits", refund))
        assert balance_of(member.id) == Decimal("9.50")
        too_much = {"operation_id": "llm-7-refund-2", "original_operation_id": "llm-7", "amount": "1.00"}
        error = envelope_error(execute(api, service_headers, member.id, "refund_credits", too_much), 400, "3003")
        assert error["details"]["cause"]["code"] == "6012"

    def test_deducting_more_than_the_balance_is_6011(self, api, service_headers):
        member = new_member(gifted="1", purchased="0")
        envelope_error(execute(api, service_headers, member.id, "deduct_credits",
                               {"operation_id": "llm-8", "amount": "2.00"}), 402, "6011")
        assert balance_of(member.id) == Decimal("1")

    def test_estimate_cost(self, api, service_headers):
        member = new_member(gifted="10", purchased="0")
        data = success(execute(api, service_headers, member.id, "estimate_cost",
                               {"tool": "create_landing_page", "arguments": LANDING_PAGE}))["data"]
        assert (data["estimate"], data["paid"], data["affordable"]) == ("15.00", True, False)
        data = success(execute(api, service_headers, member.id, "estimate_cost",
                               {"operation": "image_generation", "quantity": 4}))["data"]
        assert data["estimate"] == "2.00"


class TestRateLimit:
    @pytest.fixture()
    def low_limit(self, monkeypatch):
        monkeypatch.setenv("AAE_RATE_LIMIT_MCP", "2/minute")
        reset_settings_cache()
        yield
        monkeypatch.delenv("AAE_RATE_LIMIT_MCP")
        reset_settings_cache()

    def test_over_the_limit_is_429_with_retry_after(self, api, service_headers, low_limit):
        member = new_member()
        for _ in range(2):
            success(execute(api, service_headers, member.id, "get_credit_balance"))
        response = execute(api, service_headers, member.id, "get_credit_balance")
        error = envelope_error(response, 429, "1029")
        assert int(response.headers["retry-after"]) >= 1
        assert error["details"]["scope"] == "mcp"
        other = new_member()  # per user: another user is not affected
        success(execute(api, service_headers, other.id, "get_credit_balance"))
        ratelimit.reset("mcp", str(member.id))
        success(execute(api, service_headers, member.id, "get_credit_balance"))
