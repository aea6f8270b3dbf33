"""NotificationsState without a browser: filters, paging, mark read (Property 27), mark all read."""

import pytest

from aae_app.state.notifications import NotificationRow, NotificationsState
from backend.db import unit_of_work
from backend.models import Notification
from backend.notifications import service as notifications
from tests.aae_app.test_shell_support import run, signed_in, spec_args, toast_text
from tests.factories import make_user

TYPES = ("general", "important", "urgent")


@pytest.fixture()
def inbox(committed_engine):
    """25 notifications: types cycling general/important/urgent; the first 5 already read."""
    with unit_of_work() as session:
        user = make_user(session)
        created = [notifications.create_notification(
            session, user_id=user.id, type=TYPES[n % 3], category="campaigns", title=f"Note {n}",
            message=f"Message {n}", action_url="/campaigns" if n == 24 else None) for n in range(25)]
        for note in created[:5]:
            notifications.mark_read(session, user_id=user.id, notification_id=note.id)
    return user, [n.id for n in created]


def page_of(user_id: int) -> NotificationsState:
    state = signed_in(user_id, path="/notifications/")[NotificationsState]
    run(state.load())
    return state


class TestList:
    def test_first_page_newest_first_with_labels(self, inbox):
        user, ids = inbox
        state = page_of(user.id)
        assert len(state.rows) == 20 and state.total == 25 and state.unread_count == 20
        newest = state.rows[0]
        assert isinstance(newest, NotificationRow)
        assert (newest.id, newest.title, newest.type_key, newest.category_key, newest.action_url) == (
            ids[24], "Note 24", "notifications.type.general", "notifications.category.campaigns", "/campaigns")
        assert state.page_label == "1–20 of 25" and state.has_next

    def test_filters_type_and_unread_and_paging(self, inbox):
        user, _ = inbox
        state = page_of(user.id)
        assert state.set_type_filter("urgent") == NotificationsState.load
        run(state.load())
        assert state.total == 8 and {r.type for r in state.rows} == {"urgent"}
        state.set_type_filter("all")
        state.set_unread_only(True)
        run(state.load())
        assert state.total == 20 and not any(r.is_read for r in state.rows)
        state.set_unread_only(False)
        run(state.load())
        run(state.next_page())
        run(state.load())
        assert state.page == 1 and [r.title for r in state.rows] == [f"Note {n}" for n in range(4, -1, -1)]
        assert state.set_type_filter("nonsense") is None


class TestMarkRead:
    def test_property_27_mark_read_sets_read_at_and_updates_the_count(self, inbox):
        """Property 27: marking a notification read sets is_read and read_at; the unread count drops."""
        user, ids = inbox
        state = page_of(user.id)
        assert state.mark_read(ids[24]) is None
        assert state.rows[0].is_read and state.unread_count == 19
        with unit_of_work() as session:
            row = session.get(Notification, ids[24])
            assert row.is_read and row.read_at is not None

    def test_mark_all_read(self, inbox):
        user, _ = inbox
        state = page_of(user.id)
        events = state.mark_all_read()
        assert NotificationsState.load in events and "20 marked as read" in toast_text(events)
        run(state.load())
        assert state.unread_count == 0 and all(r.is_read for r in state.rows)

    def test_under_unread_only_a_read_row_leaves_and_an_emptied_page_steps_back(self, inbox):
        user, ids = inbox
        state = page_of(user.id)
        state.set_unread_only(True)
        state.page = 1
        run(state.load())  # only 20 unread: page 2 is empty, so the state steps back to page 1
        assert state.page == 0 and len(state.rows) == 20
        assert state.mark_read(ids[24]) == NotificationsState.load

    def test_another_users_notification_is_a_toast_with_the_code(self, inbox):
        user, ids = inbox
        with unit_of_work() as session:
            stranger = make_user(session)
        state = page_of(stranger.id)
        assert state.rows == [] and state.page_label == ""
        assert "5000" in toast_text([state.mark_read(ids[0])])

    def test_open_marks_read_then_goes_to_the_stored_url(self, inbox):
        user, ids = inbox
        state = page_of(user.id)
        assert spec_args(state.open(ids[24]))["path"] == "/campaigns"
        assert state.rows[0].is_read and state.unread_count == 19
        assert state.open(ids[23]) is None  # no action: only marked read

    @pytest.mark.parametrize(("url", "safe"), [
        ("/campaigns", "/campaigns"), ("https://example.com/x", "https://example.com/x"),
        ("javascript:alert(1)", ""), ("//evil.example", ""), ("http://plain.example", ""), (None, ""),
    ])
    def test_only_in_app_paths_and_https_links_are_followed(self, url, safe):
        from aae_app.state.notifications import safe_action_url

        assert safe_action_url(url) == safe
