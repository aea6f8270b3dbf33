"""The credit ledger on MariaDB. Properties 5–11, 33–36."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from backend.credits import service as credits
from backend.errors import Conflict, InsufficientCredits, InvalidAmount, NotFound
from backend.models import CreditConfig, CreditTransaction, HoldStatus, TransactionType, User
from backend.users import service as users
from tests.factories import make_user, unique_email

cents = st.integers(min_value=1, max_value=1_000_000).map(lambda c: Decimal(c) / 100)
balances = st.integers(min_value=0, max_value=1_000_000).map(lambda c: Decimal(c) / 100)


def ledger_rows(session, user_id):
    return list(session.exec(select(CreditTransaction).where(CreditTransaction.user_id == user_id)
                             .order_by(CreditTransaction.id)))


class TestRegistrationBonus:
    @given(bonus=balances)
    def test_property_5_bonus_from_current_config(self, session, bonus):
        """Property 5: a new user gets the registration bonus of the config in force, as gifted credits."""
        credits.update_config(session, updated_by="test", registration_bonus=bonus)
        email = unique_email()
        result = users.sign_in(session, provider="google", subject=email, email=email, display_name="N")
        balance = credits.get_balance(session, result.user.id)
        assert balance.gifted == bonus
        assert balance.purchased == Decimal("0.00")

    def test_default_bonus_is_500(self, session):
        config = credits.get_current_config(session)
        assert config.registration_bonus == Decimal("500.00")


class TestBalance:
    @given(gifted=balances, purchased=balances)
    def test_property_6_balance_is_gifted_plus_purchased(self, session, gifted, purchased):
        """Property 6: the balance shown equals gifted_credits + purchased_credits."""
        user = make_user(session, gifted=gifted, purchased=purchased)
        balance = credits.get_balance(session, user.id)
        assert balance.total == gifted + purchased
        assert (balance.gifted, balance.purchased) == (gifted, purchased)

    def test_unknown_user(self, session):
        with pytest.raises(NotFound):
            credits.get_balance(session, 987654321)


class TestDeduct:
    @given(gifted=balances, purchased=balances, amount=cents)
    def test_property_7_gifted_first_then_purchased(self, session, gifted, purchased, amount):
        """Property 7: a deduction takes gifted credits first and purchased only once gifted is exhausted."""
        user = make_user(session, gifted=gifted, purchased=purchased)
        if amount > gifted + purchased:
            return  # covered by Property 8
        result = credits.deduct(session, user_id=user.id, amount=amount, operation_type="test",
                                operation_id=f"p7-{user.id}")
        expected_gifted = min(gifted, amount)
        assert result.transaction.from_gifted == expected_gifted
        assert result.transaction.from_purchased == amount - expected_gifted
        assert result.balance.gifted == gifted - expected_gifted
        assert result.balance.purchased == purchased - (amount - expected_gifted)

    @given(gifted=balances, purchased=balances, extra=cents)
    def test_property_8_insufficient_credits_6011_and_nothing_changes(self, session, gifted, purchased, extra):
        """Property 8: when the total is below the amount, error 6011 with required/available and no change."""
        user = make_user(session, gifted=gifted, purchased=purchased)
        rows_before = len(ledger_rows(session, user.id))
        amount = gifted + purchased + extra
        with pytest.raises(InsufficientCredits) as info:
            credits.deduct(session, user_id=user.id, amount=amount, operation_type="test",
                           operation_id=f"p8-{user.id}")
        assert info.value.code == "6011"
        assert Decimal(info.value.details["required_credits"]) == amount
        assert Decimal(info.value.details["available_credits"]) == gifted + purchased
        session.refresh(user)
        assert (user.gifted_credits, user.purchased_credits) == (gifted, purchased)
        assert len(ledger_rows(session, user.id)) == rows_before

    @given(amounts=st.lists(cents, min_size=1, max_size=6))
    def test_property_11_every_change_is_logged(self, session, amounts):
        """Property 11: every deduct, refund, recharge and gift writes a complete ledger row."""
        user = make_user(session, gifted="0", purchased="0")
        for i, amount in enumerate(amounts):
            credits.recharge(session, user_id=user.id, amount=amount * 2, operation_id=f"r{i}")
            credits.gift(session, user_id=user.id, amount=amount, operation_type="promo", operation_id=f"g{i}")
            credits.deduct(session, user_id=user.id, amount=amount, operation_type="op", operation_id=f"d{i}")
            credits.refund(session, user_id=user.id, amount=amount, operation_type="op", operation_id=f"f{i}",
                           original_operation_id=f"d{i}")
        rows = [r for r in ledger_rows(session, user.id) if r.operation_type != "registration_bonus"]
        assert [r.type for r in rows] == ["recharge", "gift", "deduct", "refund"] * len(amounts)
        running = Decimal("0.00")
        for row in rows:
            assert row.created_at is not None and row.amount > 0 and row.operation_type
            assert row.from_gifted + row.from_purchased == row.amount
            running += row.amount if row.type != TransactionType.DEDUCT else -row.amount
            assert row.balance_after == running == row.gifted_after + row.purchased_after
        session.refresh(user)
        assert user.balance == running

    def test_same_operation_id_charges_once(self, session):
        user = make_user(session, gifted="10", purchased="0")
        first = credits.deduct(session, user_id=user.id, amount="3", operation_type="t", operation_id="dup")
        second = credits.deduct(session, user_id=user.id, amount="3", operation_type="t", operation_id="dup")
        assert second.replayed and second.transaction.id == first.transaction.id
        assert credits.get_balance(session, user.id).total == Decimal("7.00")

    @pytest.mark.parametrize("bad", ["-1", "0", "NaN", "Infinity", "1.001", "abc", 0.1, True, "1e20", None])
    def test_bad_amounts_refused(self, session, bad):
        user = make_user(session, gifted="10")
        with pytest.raises(InvalidAmount) as info:
            credits.deduct(session, user_id=user.id, amount=bad, operation_type="t", operation_id="bad")
        assert info.value.code == "6012"
        assert credits.get_balance(session, user.id).total == Decimal("10.00")

    def test_trailing_zero_precision_is_fine(self, session):
        user = make_user(session, gifted="10")
        credits.deduct(session, user_id=user.id, amount="1.500", operation_type="t", operation_id="tz")
        assert credits.get_balance(session, user.id).total == Decimal("8.50")


class TestConfigVersions:
    def test_property_10_config_changes_are_not_retroactive(self, session):
        """Property 10: a new config version leaves past transactions and their rates untouched."""
        user = make_user(session, gifted="1000")
        old = credits.get_current_config(session)
        rate = old.landing_page_rate
        tx = credits.deduct(session, user_id=user.id, amount=rate, operation_type="landing_page",
                            operation_id="lp-1", credit_config_id=old.id).transaction
        new = credits.update_config(session, updated_by="admin", landing_page_rate="25")
        assert new.id != old.id and new.landing_page_rate == Decimal("25.00")
        stored = session.get(CreditTransaction, tx.id)
        session.refresh(old)
        assert stored.amount == rate and stored.credit_config_id == old.id
        assert old.landing_page_rate == rate
        assert credits.get_current_config(session).id == new.id
        versions = session.exec(select(func.count()).select_from(CreditConfig)).one()
        assert versions >= 2

    def test_unknown_config_field_refused(self, session):
        with pytest.raises(InvalidAmount):
            credits.update_config(session, updated_by="admin", nonsense="1")


class TestRefundAndReversal:
    def test_refund_returns_purchased_first_and_caps_at_charge(self, session):
        user = make_user(session, gifted="5", purchased="10")
        credits.deduct(session, user_id=user.id, amount="8", operation_type="t", operation_id="d")
        r = credits.refund(session, user_id=user.id, amount="4", operation_type="t", operation_id="r1",
                           original_operation_id="d")
        assert (r.transaction.from_purchased, r.transaction.from_gifted) == (Decimal("3.00"), Decimal("1.00"))
        with pytest.raises(InvalidAmount):
            credits.refund(session, user_id=user.id, amount="4.01", operation_type="t", operation_id="r2",
                           original_operation_id="d")
        credits.refund(session, user_id=user.id, amount="4", operation_type="t", operation_id="r3",
                       original_operation_id="d")
        balance = credits.get_balance(session, user.id)
        assert (balance.gifted, balance.purchased) == (Decimal("5.00"), Decimal("10.00"))

    def test_refund_of_unknown_operation(self, session):
        user = make_user(session)
        with pytest.raises(NotFound):
            credits.refund(session, user_id=user.id, amount="1", operation_type="t", operation_id="x",
                           original_operation_id="never")

    def test_reversal_never_goes_negative_and_records_debt_paid_by_next_recharge(self, session):
        user = make_user(session, gifted="2", purchased="10")
        r = credits.reverse_purchase(session, user_id=user.id, amount="15", operation_id="ch_1")
        assert r.balance.total == Decimal("0.00") and r.balance.debt == Decimal("3.00")
        again = credits.reverse_purchase(session, user_id=user.id, amount="15", operation_id="ch_1")
        assert again.replayed and again.balance.debt == Decimal("3.00")
        after = credits.recharge(session, user_id=user.id, amount="10", operation_id="order-2")
        assert after.balance.purchased == Decimal("7.00") and after.balance.debt == Decimal("0.00")


class TestThresholds:
    def test_property_33_warning_below_50(self, session):
        """Property 33: falling below 50 credits is reported so the UI shows the balance warning."""
        user = make_user(session, gifted="60", purchased="0")
        assert not credits.is_low_balance(credits.get_balance(session, user.id))
        result = credits.deduct(session, user_id=user.id, amount="10.01", operation_type="t", operation_id="w")
        assert result.crossed_warning and not result.crossed_critical
        assert credits.is_low_balance(result.balance)
        again = credits.deduct(session, user_id=user.id, amount="1", operation_type="t", operation_id="w2")
        assert not again.crossed_warning  # reported once, at the crossing

    @given(start=st.integers(min_value=10, max_value=200), spend=st.integers(min_value=1, max_value=200))
    def test_property_34_critical_crossing_below_10_reported(self, session, start, spend):
        """Property 34: a deduction taking the balance from ≥10 to below 10 reports the critical crossing."""
        user = make_user(session, gifted=str(start), purchased="0")
        if spend > start:
            return
        result = credits.deduct(session, user_id=user.id, amount=spend, operation_type="t", operation_id="c")
        assert result.crossed_critical == (start - spend < 10)
        assert result.crossed_warning == (start >= 50 > start - spend)


class TestHolds:
    @given(estimate=cents, actual=st.integers(min_value=0, max_value=2_000_000).map(lambda c: Decimal(c) / 100))
    def test_property_35_pre_deduct_then_adjust(self, session, estimate, actual):
        """Property 35: the estimate is pre-deducted, then the difference refunded or deducted on completion."""
        user = make_user(session, gifted="10000", purchased="10000")
        start = credits.get_balance(session, user.id).total
        hold = credits.reserve(session, user_id=user.id, operation_id="op", estimate=estimate, operation_type="tool")
        assert hold.balance.total == start - estimate
        assert hold.hold.status == HoldStatus.HELD
        settled = credits.settle(session, user_id=user.id, operation_id="op", actual=actual)
        assert settled.hold.status == HoldStatus.SETTLED
        assert settled.balance.total == start - actual
        replay = credits.settle(session, user_id=user.id, operation_id="op", actual=actual)
        assert replay.replayed and credits.get_balance(session, user.id).total == start - actual

    @given(estimate=cents, gifted=balances)
    def test_property_36_failure_refunds_everything(self, session, estimate, gifted):
        """Property 36: when the operation fails after the pre-deduction, the full amount comes back."""
        user = make_user(session, gifted=gifted, purchased="20000")
        before = credits.get_balance(session, user.id)
        credits.reserve(session, user_id=user.id, operation_id="op", estimate=estimate, operation_type="tool")
        released = credits.release(session, user_id=user.id, operation_id="op")
        assert released.hold.status == HoldStatus.RELEASED
        assert released.balance == before  # gifted and purchased both restored exactly
        assert credits.release(session, user_id=user.id, operation_id="op").replayed
        assert credits.get_balance(session, user.id) == before

    def test_reserve_insufficient_holds_nothing(self, session):
        user = make_user(session, gifted="1", purchased="0")
        with pytest.raises(InsufficientCredits):
            credits.reserve(session, user_id=user.id, operation_id="big", estimate="2", operation_type="tool")
        with pytest.raises(NotFound):
            credits.release(session, user_id=user.id, operation_id="big")

    def test_settle_extra_beyond_balance_collects_what_is_there(self, session):
        user = make_user(session, gifted="5", purchased="0")
        credits.reserve(session, user_id=user.id, operation_id="op", estimate="3", operation_type="tool")
        result = credits.settle(session, user_id=user.id, operation_id="op", actual="9")
        assert result.balance.total == Decimal("0.00")
        assert result.hold.uncollected == Decimal("4.00")

    def test_settle_after_release_and_conflicting_settle(self, session):
        user = make_user(session, gifted="50")
        credits.reserve(session, user_id=user.id, operation_id="a", estimate="3", operation_type="tool")
        credits.release(session, user_id=user.id, operation_id="a")
        with pytest.raises(Conflict):
            credits.settle(session, user_id=user.id, operation_id="a", actual="1")
        credits.reserve(session, user_id=user.id, operation_id="b", estimate="3", operation_type="tool")
        credits.settle(session, user_id=user.id, operation_id="b", actual="2")
        with pytest.raises(Conflict):
            credits.settle(session, user_id=user.id, operation_id="b", actual="1")
        with pytest.raises(Conflict):
            credits.release(session, user_id=user.id, operation_id="b")


def test_list_transactions_pages_and_filters(session):
    user = make_user(session, gifted="100")
    for i in range(5):
        credits.deduct(session, user_id=user.id, amount="1", operation_type="t", operation_id=f"l{i}")
    rows, total = credits.list_transactions(session, user.id, limit=2, offset=0)
    assert total == 6 and len(rows) == 2 and rows[0].id > rows[1].id
    rows, total = credits.list_transactions(session, user.id, types=["gift"])
    assert total == 1 and rows[0].operation_type == "registration_bonus"
    assert session.get(User, user.id).balance == Decimal("95.00")
