"""BillingState without a browser: packages, the paged and filtered ledger, checkout outcomes."""

from urllib.parse import urlparse

import pytest

from aae_app.state.billing import BillingState, LedgerEntry, price_label, start_checkout_url
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.models import CreditOrder, OrderStatus
from sqlmodel import select
from tests.aae_app.test_shell_support import run, signed_in, states
from tests.factories import make_user


@pytest.fixture()
def spender(committed_engine):
    """A user with the bonus plus 24 deductions: 25 ledger rows."""
    with unit_of_work() as session:
        user = make_user(session)
        for n in range(24):
            credits.deduct(session, user_id=user.id, amount="1", operation_type="image_generation",
                           operation_id=f"bill-{user.id}-{n}")
    return user


class TestLedger:
    def test_first_page_has_20_rows_newest_first_with_translation_keys(self, spender):
        billing = signed_in(spender.id, path="/billing/")[BillingState]
        run(billing.load())
        run(billing.load_ledger())
        assert len(billing.rows) == 20 and billing.total_rows == 25
        newest = billing.rows[0]
        assert isinstance(newest, LedgerEntry)
        assert (newest.type_key, newest.description_key, newest.amount, newest.balance_after, newest.incoming) == (
            "ledger.type.deduct", "ledger.op.image_generation", "−1.00", "476.00", False)
        assert billing.page_label == "1–20 of 25" and billing.has_next and not billing.has_prev

    def test_paging_and_the_label_in_chinese(self, spender):
        tree = signed_in(spender.id, path="/billing/")
        billing = tree[BillingState]
        billing.set_language("zh")
        run(billing.load_ledger())
        run(billing.next_page())  # returns the reload; run it as the frontend would
        run(billing.load_ledger())
        assert billing.page == 1 and len(billing.rows) == 5 and billing.page_label == "第 21–25 条，共 25 条"
        assert billing.rows[-1].description_key == "ledger.op.registration_bonus" and billing.rows[-1].incoming
        assert billing.next_page() is None
        billing.prev_page()
        assert billing.page == 0

    def test_type_filter_resets_the_page(self, spender):
        billing = signed_in(spender.id, path="/billing/")[BillingState]
        billing.page = 1
        assert billing.set_type_filter("gift") == BillingState.load_ledger
        run(billing.load_ledger())
        assert billing.page == 0 and billing.total_rows == 1 and billing.rows[0].type_key == "ledger.type.gift"
        assert billing.set_type_filter("bogus") is None and billing.type_filter == "gift"

    def test_unknown_operation_keeps_a_readable_description(self, committed_engine):
        with unit_of_work() as session:
            user = make_user(session)
            credits.deduct(session, user_id=user.id, amount="2", operation_type="mcp.generate_copy",
                           operation_id=f"op-{user.id}")
        billing = signed_in(user.id, path="/billing/")[BillingState]
        run(billing.load_ledger())
        assert (billing.rows[0].description_key, billing.rows[0].description) == ("", "Mcp · generate copy")


class TestPackagesAndCheckout:
    def test_packages_and_outcomes_from_the_return_url(self, spender):
        billing = signed_in(spender.id, path="/billing/?paid=1&session_id=cs_local_1")[BillingState]
        assert run(billing.load()) == [BillingState.load_ledger]
        assert [(p.id, p.credits, p.price, p.popular) for p in billing.packages] == [
            ("starter", "1,000", "$9.99", False), ("growth", "5,500", "$49.99", True),
            ("scale", "12,000", "$99.99", False)]
        assert billing.outcome == "paid"
        canceled = signed_in(spender.id, path="/billing/?canceled=1")[BillingState]
        canceled.load()
        assert canceled.outcome == "canceled"
        canceled.dismiss_outcome()
        assert canceled.outcome == ""

    def test_start_checkout_creates_a_pending_order_and_the_local_checkout_url(self, spender):
        url = start_checkout_url(spender.id, "starter")
        assert urlparse(url).path.startswith("/api/v1/billing/local-checkout/")
        with unit_of_work() as session:
            order = session.exec(select(CreditOrder).where(CreditOrder.user_id == spender.id)).one()
            assert order.status == OrderStatus.PENDING and order.package_id == "starter"

    def test_price_label(self):
        assert price_label(999, "usd") == "$9.99" and price_label(150000, "eur") == "€1,500.00"
        assert price_label(500, "chf") == "5.00 CHF"

    def test_signed_out_loaders_do_nothing(self, committed_engine):
        billing = states()[BillingState]
        assert run(billing.load()) == [] and run(billing.load_ledger()) == [] and billing.rows == []


class TestRechargeInTheEventPipeline:
    """The background handler through Reflex's real event processor (REFLEX_NOTES §7a)."""

    async def test_recharge_opens_the_checkout_with_a_full_page_load(self, spender):
        import reflex as rx
        from reflex.istate.manager.memory import StateManagerMemory
        from reflex_base.event import Event
        from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

        import aae_app.aae_app  # noqa: F401  (registers the App the processor routes on_load through)
        from aae_app.state.auth import AuthState
        from tests.aae_app.test_shell_support import signed_in_cookie

        sent: list = []

        class Namespace:  # what the websocket would send to the browser
            async def emit_update(self, update, token):
                sent.extend(update.events or [])

        manager = StateManagerMemory()
        processor = BaseStateEventProcessor().configure(state_manager=manager, event_namespace=Namespace())
        handshake = {"headers": {"cookie": signed_in_cookie(spender.id), "user-agent": "pytest"},
                     "asPath": "/billing/", "ip": "127.0.0.1"}

        def event(state, handler, **payload):
            return Event(name=f"{state.get_full_name()}.{handler}", router_data=handshake, payload=payload)

        async with processor:
            for step in (event(AuthState, "require_login"), event(BillingState, "recharge", package_id="growth")):
                async for _ in processor.enqueue_stream_delta("tok-billing", step):
                    pass
            billing = await manager.get_state(rx.BaseStateToken(ident="tok-billing", cls=BillingState))
        scripts = [e.payload.get("javascript_code", "") for e in sent if isinstance(e.payload, dict)]
        assert any("window.location.assign" in s and "/api/v1/billing/local-checkout/" in s for s in scripts), sent
        assert billing.get_substate(BillingState.get_full_name().split(".")[1:]).checkout_package == "growth"
