"""Notifications in Chromium: the bell's count, filters, mark read (Property 27), mark all read."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from backend.models import Notification
from backend.notifications import service as notifications
from backend.users import service as users
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def inbox(app_db) -> tuple[str, list[int]]:
    """A new user with 23 unread notifications (every third urgent)."""
    email = f"inbox-{uuid.uuid4().hex[:8]}@example.com"
    with app_db() as session:
        user = make_user(session, email=email, display_name="Inbox Owner")
        ids = [notifications.create_notification(
            session, user_id=user.id, type="urgent" if n % 3 == 0 else "general", category="campaigns",
            title=f"Campaign note {n}", message="Sync finished.").id for n in range(23)]
    return email, ids


def test_bell_count_mark_read_and_mark_all_read(page: Page, app_db, inbox):
    """Property 27: marking read sets is_read and read_at; the unread count follows on screen."""
    email, ids = inbox
    sign_in(page, email=email, name="Inbox Owner")
    expect(page.locator("#unread-count")).to_have_text("23")
    page.click("#notification-bell")
    expect(page).to_have_url(re.compile(r"/notifications/?$"))
    rows = page.locator("#notification-list .notification-row")
    expect(rows).to_have_count(20)
    expect(page.locator("#notification-pager .pager-label")).to_have_text("1–20 of 23")
    newest = rows.first
    expect(newest).to_contain_text("Campaign note 22")
    newest.locator(".mark-read").click()
    expect(page.locator("#unread-count")).to_have_text("22")
    expect(newest).to_have_class(re.compile(r"\bread\b"))
    with app_db() as session:
        row = session.get(Notification, ids[22])
        assert row.is_read and row.read_at is not None
    screenshot(page, "notifications-list")
    # Filters: urgent only, then unread only.
    page.click("#notification-type-filter")
    page.get_by_role("option", name="Urgent").click()
    expect(rows).to_have_count(8)
    page.click("#notification-type-filter")
    page.get_by_role("option", name="All types").click()
    page.click("#unread-only")
    expect(page.locator("#notification-pager .pager-label")).to_have_text("1–20 of 22")
    # Mark all read: the count goes, the unread-only list empties.
    page.click("#mark-all-read")
    expect(page.locator("#unread-count")).to_have_count(0)
    expect(page.locator("#notifications .list-empty")).to_contain_text("No notifications match these filters")
    with app_db() as session:
        user = users.get_by_email(session, email)
        assert notifications.unread_count(session, user.id) == 0
    screenshot(page, "notifications-all-read")


def test_paging_to_the_second_page(page: Page, inbox):
    email, _ = inbox
    sign_in(page, email=email, name="Inbox Owner", path="/login?next=/notifications")
    page.locator("#notification-pager .pager-next").click()
    expect(page.locator("#notification-pager .pager-label")).to_have_text("21–23 of 23")
    expect(page.locator("#notification-list .notification-row")).to_have_count(3)
    expect(page.locator("#notification-list .notification-row").last).to_contain_text("Campaign note 0")


def test_empty_inbox(page: Page):
    sign_in(page, email=f"empty-{uuid.uuid4().hex[:8]}@example.com", name="No Mail",
            path="/login?next=/notifications")
    expect(page.locator("#notifications .list-empty")).to_contain_text("You're all caught up")
    expect(page.locator("#mark-all-read")).to_be_disabled()
