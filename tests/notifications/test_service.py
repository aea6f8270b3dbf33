"""Notification service on MariaDB: channels (Property 26), read state (Property 27), listing,
preferences, and the low-balance alert (Property 34)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from backend.credits import service as credits
from backend.errors import NotFound, ValidationFailed
from backend.models import EmailOutbox, EmailStatus, Notification, NotificationType
from backend.models.base import utcnow
from backend.notifications import service as notifications
from backend.notifications.schemas import (
    NotificationCategory,
    NotificationPreferences,
    NotificationPreferencesUpdate,
    NotificationPublic,
)
from tests.factories import make_user

CATEGORIES = [c.value for c in NotificationCategory]
category_strategy = st.one_of(st.sampled_from(CATEGORIES), st.text(min_size=1, max_size=64))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10))
preferences_strategy = st.one_of(
    st.none(),
    st.builds(
        lambda enabled, cats: {"email_enabled": enabled, "email_categories": cats},
        st.booleans(),
        st.dictionaries(category_strategy, st.booleans(), max_size=5),
    ),
    st.dictionaries(st.text(max_size=15), json_scalars, max_size=4),  # junk must not break anything
)


def _notify(session, user, type_, category="campaigns", **fields):
    return notifications.create_notification(
        session, user_id=user.id, type=type_, category=category,
        title=fields.pop("title", "Title"), message=fields.pop("message", "Message"), **fields,
    )


def _outbox_of(session, notification) -> EmailOutbox | None:
    outbox_id = notification.meta.get("email_outbox_id")
    return session.get(EmailOutbox, outbox_id) if outbox_id else None


class TestCreateNotification:
    @given(preferences=preferences_strategy, category=category_strategy)
    def test_property_26_urgent_goes_in_app_and_by_email_whatever_the_preferences(
        self, session, preferences, category
    ):
        """Property 26: an urgent notification is delivered in-app and by email regardless of
        the user's notification preferences."""
        user = make_user(session, notification_preferences=preferences or {})
        notification = _notify(session, user, NotificationType.URGENT, category, title="Token expired")
        assert notification.id is not None and notification.user_id == user.id
        assert notification.sent_via == ["in_app", "email"]
        outbox = _outbox_of(session, notification)
        assert outbox is not None
        assert (outbox.to_address, outbox.subject, outbox.status) == (user.email, "Token expired", EmailStatus.QUEUED)
        assert outbox.user_id == user.id

    @given(
        preferences=preferences_strategy,
        type_=st.sampled_from([NotificationType.IMPORTANT, NotificationType.GENERAL]),
        category=category_strategy,
    )
    def test_other_types_follow_the_preferences(self, session, preferences, type_, category):
        user = make_user(session, notification_preferences=preferences or {})
        notification = _notify(session, user, type_, category)
        parsed = NotificationPreferences.from_stored(preferences)
        if not parsed.email_enabled:
            wants_email = False
        elif category in parsed.email_categories:
            wants_email = parsed.email_categories[category]
        else:
            wants_email = type_ == NotificationType.IMPORTANT
        assert notification.sent_via == (["in_app", "email"] if wants_email else ["in_app"])
        assert (_outbox_of(session, notification) is not None) is wants_email

    def test_defaults_important_by_email_general_in_app_only(self, session):
        user = make_user(session)
        assert _notify(session, user, "important").sent_via == ["in_app", "email"]
        assert _notify(session, user, "general").sent_via == ["in_app"]

    def test_fields_are_stored(self, session):
        user = make_user(session)
        notification = _notify(
            session, user, "general", "reports", title="Report ready", message="Your weekly report is ready",
            action_url="/reports/7", action_text="Open", metadata={"report_id": 7},
        )
        stored = session.get(Notification, notification.id)
        assert (stored.type, stored.category, stored.action_url, stored.action_text) == (
            "general", "reports", "/reports/7", "Open")
        assert stored.meta == {"report_id": 7} and stored.is_read is False and stored.read_at is None

    def test_email_body_links_the_action(self, session):
        user = make_user(session, display_name="Ann")
        notification = _notify(session, user, "urgent", message="Reconnect your account", action_url="/ad-accounts",
                               action_text="Reconnect")
        body = _outbox_of(session, notification).body
        assert "Hello Ann" in body and "Reconnect your account" in body and "Reconnect: http" in body

    def test_unknown_type_is_a_validation_error(self, session):
        with pytest.raises(ValidationFailed):
            _notify(session, make_user(session), "critical")

    def test_unknown_user_is_not_found(self, session):
        with pytest.raises(NotFound):
            notifications.create_notification(
                session, user_id=10**12, type="general", category="system", title="t", message="m")


class TestMarkRead:
    @given(
        own=st.integers(min_value=1, max_value=6),
        others=st.integers(min_value=1, max_value=3),
        data=st.data(),
    )
    def test_property_27_marking_read_sets_is_read_and_read_at_and_others_are_not_found(
        self, session, own, others, data
    ):
        """Property 27: marking a notification read sets is_read and read_at; a notification of
        another user cannot be marked (NotFound) and stays unread."""
        reader, stranger = make_user(session), make_user(session)
        mine = [_notify(session, reader, "general") for _ in range(own)]
        theirs = [_notify(session, stranger, "general") for _ in range(others)]
        chosen = data.draw(st.sets(st.sampled_from(range(own))), label="read")
        before = utcnow()
        for index in chosen:
            read = notifications.mark_read(session, user_id=reader.id, notification_id=mine[index].id)
            assert read.is_read is True and before <= read.read_at <= utcnow()
        for index, notification in enumerate(mine):
            stored = session.get(Notification, notification.id)
            assert stored.is_read is (index in chosen)
            assert (stored.read_at is not None) is (index in chosen)
        for notification in theirs:
            with pytest.raises(NotFound):
                notifications.mark_read(session, user_id=reader.id, notification_id=notification.id)
            stored = session.get(Notification, notification.id)
            assert stored.is_read is False and stored.read_at is None
        assert notifications.unread_count(session, reader.id) == own - len(chosen)

    def test_reading_again_keeps_the_first_read_at(self, session):
        user = make_user(session)
        notification = _notify(session, user, "general")
        first = notifications.mark_read(session, user_id=user.id, notification_id=notification.id).read_at
        again = notifications.mark_read(session, user_id=user.id, notification_id=notification.id)
        assert again.read_at == first

    def test_missing_id_is_not_found(self, session):
        with pytest.raises(NotFound):
            notifications.mark_read(session, user_id=make_user(session).id, notification_id=10**12)

    def test_mark_all_read_touches_only_the_users_unread(self, session):
        user, other = make_user(session), make_user(session)
        ids = [_notify(session, user, "general").id for _ in range(3)]
        notifications.mark_read(session, user_id=user.id, notification_id=ids[0])
        other_id = _notify(session, other, "general").id
        assert notifications.mark_all_read(session, user_id=user.id) == 2
        assert notifications.unread_count(session, user.id) == 0
        assert all(session.get(Notification, i).read_at is not None for i in ids)
        assert session.get(Notification, other_id).is_read is False


class TestListNotifications:
    def test_filters_pagination_and_total(self, session):
        user, other = make_user(session), make_user(session)
        created = [
            _notify(session, user, kind, category, title=f"n{i}")
            for i, (kind, category) in enumerate(
                [("general", "reports"), ("urgent", "credits"), ("important", "campaigns"),
                 ("general", "reports"), ("general", "campaigns")])
        ]
        _notify(session, other, "general", "reports")
        notifications.mark_read(session, user_id=user.id, notification_id=created[0].id)

        rows, total = notifications.list_notifications(session, user.id, limit=2)
        assert total == 5 and [r.title for r in rows] == ["n4", "n3"]  # newest first
        rows, total = notifications.list_notifications(session, user.id, limit=2, offset=4)
        assert total == 5 and [r.title for r in rows] == ["n0"]
        rows, total = notifications.list_notifications(session, user.id, unread_only=True)
        assert total == 4 and "n0" not in [r.title for r in rows]
        rows, total = notifications.list_notifications(session, user.id, category="reports")
        assert total == 2 and {r.title for r in rows} == {"n0", "n3"}
        rows, total = notifications.list_notifications(session, user.id, type="urgent")
        assert total == 1 and rows[0].title == "n1"
        assert notifications.unread_count(session, user.id) == 4

    @pytest.mark.parametrize("limit,offset", [(0, 0), (101, 0), (10, -1)])
    def test_bad_paging_is_a_validation_error(self, session, limit, offset):
        with pytest.raises(ValidationFailed):
            notifications.list_notifications(session, 1, limit=limit, offset=offset)

    def test_public_schema(self, session):
        notification = _notify(session, make_user(session), "general", metadata={"k": "v"})
        public = NotificationPublic.model_validate(notification)
        assert public.metadata == {"k": "v"} and public.type is NotificationType.GENERAL
        assert public.model_dump()["metadata"] == {"k": "v"}


class TestPreferences:
    def test_update_merges_categories(self, session):
        user = make_user(session)
        notifications.update_preferences(
            session, user_id=user.id, data=NotificationPreferencesUpdate(email_categories={"campaigns": False}))
        merged = notifications.update_preferences(
            session, user_id=user.id,
            data=NotificationPreferencesUpdate(email_enabled=True, email_categories={"reports": True}))
        assert merged.email_categories == {"campaigns": False, "reports": True}
        assert user.notification_preferences == {"email_enabled": True,
                                                  "email_categories": {"campaigns": False, "reports": True}}
        assert _notify(session, user, "important", "campaigns").sent_via == ["in_app"]
        assert _notify(session, user, "general", "reports").sent_via == ["in_app", "email"]

    def test_master_switch_off_still_emails_urgent(self, session):
        user = make_user(session, notification_preferences={"email_enabled": False})
        assert _notify(session, user, "important").sent_via == ["in_app"]
        assert _notify(session, user, "urgent").sent_via == ["in_app", "email"]


def _low_balance_notices(session, user_id) -> list[Notification]:
    return list(session.exec(select(Notification).where(
        Notification.user_id == user_id, Notification.category == "credits")).all())


class TestLowBalance:
    def test_property_34_deduction_crossing_below_10_sends_one_urgent_in_app_and_email(self, session):
        """Property 34: a deduction that takes the balance below 10 creates exactly one urgent
        in-app notification and one queued email; further deductions below 10 add none."""
        user = make_user(session, gifted="15", purchased="0")
        result = credits.deduct(session, user_id=user.id, amount="6", operation_type="t", operation_id="p34-a")
        assert result.crossed_critical
        notice = notifications.notify_low_balance(session, user_id=user.id, ledger_result=result)
        again = credits.deduct(session, user_id=user.id, amount="6", operation_type="t", operation_id="p34-a")
        assert again.replayed and notifications.notify_low_balance(session, user_id=user.id, ledger_result=again) is None
        lower = credits.deduct(session, user_id=user.id, amount="1", operation_type="t", operation_id="p34-b")
        assert notifications.notify_low_balance(session, user_id=user.id, ledger_result=lower) is None

        [stored] = _low_balance_notices(session, user.id)
        assert stored.id == notice.id and stored.type == "urgent" and stored.sent_via == ["in_app", "email"]
        assert stored.meta["balance"] == "9.00" and stored.meta["transaction_ids"] == [result.transaction.id]
        emails = session.exec(select(EmailOutbox).where(EmailOutbox.user_id == user.id)).all()
        assert [(e.id, e.status) for e in emails] == [(stored.meta["email_outbox_id"], EmailStatus.QUEUED)]

    @given(steps=st.lists(
        st.tuples(st.sampled_from(["deduct", "recharge"]), st.integers(min_value=1, max_value=12)),
        min_size=1, max_size=8,
    ))
    def test_property_34_once_per_crossing(self, session, steps):
        """Property 34: over any sequence of deductions and recharges, the user gets exactly one
        urgent low-balance notification per crossing below the critical threshold."""
        user = make_user(session, gifted="12", purchased="0")
        balance, crossings = Decimal("12"), 0
        for index, (kind, amount) in enumerate(steps):
            if kind == "deduct" and amount > balance:
                continue
            operation = credits.deduct if kind == "deduct" else credits.recharge
            extra = {"operation_type": "t"} if kind == "deduct" else {}
            result = operation(session, user_id=user.id, amount=amount, operation_id=f"op-{index}", **extra)
            after = balance - amount if kind == "deduct" else balance + amount
            crossings += balance >= 10 > after
            balance = after
            notifications.notify_low_balance(session, user_id=user.id, ledger_result=result)
        notices = _low_balance_notices(session, user.id)
        assert len(notices) == crossings
        assert all(n.type == "urgent" and n.sent_via == ["in_app", "email"] for n in notices)

    def test_hold_crossing_notifies(self, session):
        user = make_user(session, gifted="11", purchased="0")
        held = credits.reserve(session, user_id=user.id, operation_id="gen-1", estimate="5", operation_type="t")
        notice = notifications.notify_low_balance(session, user_id=user.id, ledger_result=held)
        assert notice is not None and notice.meta["transaction_ids"] == [held.transactions[0].id]


class TestStuckEmails:
    def test_only_old_queued_rows(self, session):
        user = make_user(session)
        old = _outbox_of(session, _notify(session, user, "urgent"))
        old.created_at = utcnow() - timedelta(hours=1)
        fresh = _outbox_of(session, _notify(session, user, "urgent"))
        sent = _outbox_of(session, _notify(session, user, "urgent"))
        sent.created_at, sent.status = utcnow() - timedelta(hours=1), EmailStatus.SENT
        session.add_all([old, sent])
        session.flush()
        ids = notifications.stuck_email_ids(session, older_than=timedelta(minutes=10))
        assert old.id in ids and fresh.id not in ids and sent.id not in ids
