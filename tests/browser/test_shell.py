"""The application shell end to end: guard, dev login, navigation, language, banners, cookie
consent, the chat drawer slot, sign out, token refresh; and the screenshot gallery."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from backend.ad_accounts import service as ad_accounts
from backend.auth.tokens import create_access_token, decode_access_token
from backend.notifications import service as notifications
from backend.seed import DEMO_EMAIL, DEMO_NAME
from backend.users import service as users
from tests.browser.conftest import RunningApp, screenshot, sign_in
from tests.factories import make_ad_account, make_user

pytestmark = pytest.mark.browser


def new_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def test_root_redirects_to_login(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/?(\?.*)?$"))
    expect(page.get_by_role("heading", name="Sign in to AAE")).to_be_visible()
    expect(page.locator("#login-email")).to_have_value(DEMO_EMAIL)
    screenshot(page, "shell-login")


def test_dev_login_lands_on_dashboard_with_name_and_balance(page: Page, app_server: RunningApp, app_db):
    with app_db() as session:
        demo = users.get_by_email(session, DEMO_EMAIL)
        total = f"{demo.gifted_credits + demo.purchased_credits:,.2f}"
    sign_in(page)
    expect(page).to_have_url(f"{app_server.url}/")
    expect(page.locator("#page-title")).to_have_text("Dashboard")
    expect(page.locator("#topbar-balance")).to_have_text(total)
    expect(page.locator("#topbar-user")).to_have_text(DEMO_NAME)
    expect(page.locator("#account-switcher")).to_contain_text("Sandbox Store US")
    expect(page.locator("#low-balance-banner")).to_have_count(0)


def test_sidebar_reaches_every_section(page: Page):
    sign_in(page)
    for label, path in (("Creatives", "/creatives"), ("Reports", "/reports"), ("Landing pages", "/landing-pages"),
                        ("Campaigns", "/campaigns"), ("Billing", "/billing"), ("Settings", "/settings"),
                        ("Notifications", "/notifications"), ("Dashboard", "/")):
        page.locator("nav .nav-link", has_text=label).click()
        expect(page).to_have_url(re.compile(rf"{re.escape(path.rstrip('/'))}/?(\?.*)?$"))
        expect(page.locator("#page-title")).to_have_text(label)


def test_language_switch_to_chinese_applies_at_once_and_is_remembered(page: Page, app_db):
    email = new_email("lang")
    sign_in(page, email=email, name="Li Lei")
    expect(page.locator("nav .nav-link").first).to_have_text("Dashboard")
    page.click("#user-menu")
    page.click("#menu-language")
    # No reload: the texts follow the state at once.
    expect(page.locator("#page-title")).to_have_text("仪表盘")
    expect(page.locator("nav .nav-link", has_text="账单")).to_be_visible()
    expect(page.locator("nav .nav-link", has_text="通知")).to_be_visible()
    screenshot(page, "shell-dashboard-zh")
    with app_db() as session:
        assert users.get_by_email(session, email).language == "zh"
    page.reload()
    expect(page.locator("#page-title")).to_have_text("仪表盘")
    page.click("#user-menu")
    expect(page.locator("#menu-language")).to_have_text("Switch to English")
    page.click("#menu-language")
    expect(page.locator("#page-title")).to_have_text("Dashboard")


def test_low_balance_banner_for_a_low_balance_user(page: Page, app_db):
    """Property 33 in the browser: below 50 credits the banner shows the balance and a recharge link."""
    email = new_email("poor")
    with app_db() as session:
        make_user(session, email=email, display_name="Low Balance", gifted="12.34")
    sign_in(page, email=email, name="Low Balance")
    banner = page.locator("#low-balance-banner")
    expect(banner).to_be_visible()
    expect(page.locator("#low-balance-amount")).to_have_text("12.34")
    page.goto("/notifications")
    expect(banner).to_be_visible()  # on every page
    screenshot(page, "shell-low-balance")
    page.click("#low-balance-recharge")
    expect(page).to_have_url(re.compile(r"/billing/?$"))


def test_reconnect_banner_for_an_expired_account_and_reconnecting_clears_it(page: Page, app_db):
    """Property 4 in the browser: a failed refresh shows a reconnect banner; reconnecting clears it."""
    email = new_email("expired")
    with app_db() as session:
        user = make_user(session, email=email, display_name="Expired Tokens")
        account = make_ad_account(session, user, platform_account_id="sbx-1001", account_name="Sandbox Store US",
                                  is_active=True)
        ad_accounts.mark_token_failed(session, account=account, error="invalid_grant")
    sign_in(page, email=email, name="Expired Tokens")
    banner = page.locator(".reconnect-banner")
    expect(banner).to_have_count(1)
    expect(banner).to_contain_text("Sandbox Store US")
    screenshot(page, "shell-reconnect-banner")
    banner.locator(".reconnect-button").click()
    expect(page).to_have_url(re.compile(r"/settings/?\?bind=ok"))
    expect(page.locator(".reconnect-banner")).to_have_count(0)


def test_cookie_consent_on_first_visit_is_remembered(first_visit_page: Page):
    page = first_visit_page
    page.goto("/login")
    consent = page.locator("#cookie-consent")
    expect(consent).to_be_visible()
    screenshot(page, "shell-cookie-consent")
    # Until the choice: only the essential (session) cookies, nothing remembered.
    assert page.evaluate("window.localStorage.getItem('aae_cookie_consent')") in (None, "")
    page.click("#cookies-accept")
    expect(consent).to_have_count(0)
    assert page.evaluate("window.localStorage.getItem('aae_cookie_consent')") == "all"
    page.fill("#login-email", DEMO_EMAIL)
    page.click("#dev-login-submit")
    expect(page.locator("#page-title")).to_be_visible()
    expect(page.locator("#cookie-consent")).to_have_count(0)
    assert {c["name"] for c in page.context.cookies()} <= {"aae_access", "aae_refresh"}


def test_essential_only_is_remembered_too(first_visit_page: Page):
    page = first_visit_page
    page.goto("/login")
    page.click("#cookies-essential")
    expect(page.locator("#cookie-consent")).to_have_count(0)
    page.reload()
    expect(page.locator("#dev-login-form")).to_be_visible()
    expect(page.locator("#cookie-consent")).to_have_count(0)
    assert page.evaluate("window.localStorage.getItem('aae_cookie_consent')") == "essential"


def test_chat_toggle_opens_the_drawer_slot(page: Page):
    sign_in(page)
    drawer = page.locator("#chat-drawer")
    expect(drawer).to_be_hidden()
    page.click("#chat-toggle")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text("How can I help today?")  # the chat greets a new conversation
    screenshot(page, "shell-chat-drawer")  # after the slide-in (screenshot waits for animations)
    page.click("#chat-close")
    expect(drawer).to_be_hidden()


def test_sign_out_returns_to_login_and_ends_the_session(page: Page):
    sign_in(page)
    page.click("#user-menu")
    page.click("#sign-out")
    expect(page).to_have_url(re.compile(r"/login/?$"))
    expect(page.locator("#dev-login-form")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] in ("aae_access", "aae_refresh")]
    page.goto("/billing")
    expect(page).to_have_url(re.compile(r"/login/?\?next=/billing"))


def test_login_with_next_returns_to_the_page(page: Page):
    page.goto("/billing")
    expect(page).to_have_url(re.compile(r"/login/?\?next=/billing"))
    page.click("#dev-login-submit")
    expect(page).to_have_url(re.compile(r"/billing/?$"))
    expect(page.locator("#page-title")).to_have_text("Billing")


def test_expired_access_token_is_refreshed_transparently(page: Page, app_server: RunningApp, app_db):
    sign_in(page)
    with app_db() as session:
        user_id = users.get_by_email(session, DEMO_EMAIL).id
    expired = create_access_token(user_id, now=datetime.now(UTC) - timedelta(hours=2))
    page.context.add_cookies([{"name": "aae_access", "value": expired, "url": app_server.url, "httpOnly": True,
                               "sameSite": "Lax"}])
    page.goto("/billing")
    expect(page).to_have_url(re.compile(r"/billing/?$"))
    expect(page.locator("#balance-total")).to_be_visible()

    def access_cookie() -> str:
        return next(c["value"] for c in page.context.cookies() if c["name"] == "aae_access")

    # The page can paint before the refresh round trip has replaced the cookie: wait for it (bounded).
    deadline = time.monotonic() + 20
    while access_cookie() == expired and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    fresh = access_cookie()
    assert fresh != expired and decode_access_token(fresh).user_id == user_id
    expect(page).to_have_url(re.compile(r"/billing/?$"))


def test_cors_is_pinned_to_the_public_url(app_server: RunningApp):
    evil = httpx.get(f"{app_server.url}/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in evil.headers
    own = httpx.get(f"{app_server.url}/api/v1/health", headers={"Origin": app_server.url})
    assert own.headers["access-control-allow-origin"] == app_server.url
    assert own.headers["x-request-id"].startswith("req_")


GALLERY = (("/", "dashboard", ".kpi-card"), ("/billing", "billing", ".ledger-row"),
           ("/settings", "settings", "#profile-name"), ("/settings?tab=accounts", "settings-accounts", ".account-row"),
           ("/notifications", "notifications", "#notifications"))


def gallery_data(app_db) -> None:
    """A few notifications and one AI suggestion for the demo user (once), so no page is empty."""
    with app_db() as session:
        demo = users.get_by_email(session, DEMO_EMAIL)
        if notifications.list_notifications(session, demo.id, limit=1)[1]:
            return
        notifications.create_notification(
            session, user_id=demo.id, type="important", category="suggestions", title="Shift budget to Retargeting",
            message="Retargeting returns about 3x the ROAS of Prospecting this week; move $40/day to it.",
            action_url="/campaigns", action_text="Review")
        for n, (kind, category, title) in enumerate((
                ("urgent", "ad_accounts", "Reconnect Sandbox Store EU"),
                ("important", "privacy", "Your data export is ready"),
                ("general", "campaigns", "Spring Sale 2026 finished syncing"))):
            note = notifications.create_notification(session, user_id=demo.id, type=kind, category=category,
                                                     title=title, message="Details are on the linked page.",
                                                     action_url="/settings")
            if n == 2:
                notifications.mark_read(session, user_id=demo.id, notification_id=note.id)


def set_language(app_db, email: str, language: str) -> None:
    with app_db() as session:
        users.get_by_email(session, email).language = language


@pytest.mark.parametrize("appearance", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_screenshot_gallery(page: Page, dark_page: Page, app_db, appearance: str, language: str):
    """Every page of the shell in light and dark, English and Chinese (saved under test-artifacts/)."""
    shot_page = dark_page if appearance == "dark" else page
    gallery_data(app_db)
    set_language(app_db, DEMO_EMAIL, language)
    try:
        sign_in(shot_page)
        for path, name, ready in GALLERY:
            shot_page.goto(path)
            expect(shot_page.locator(ready).first).to_be_visible()
            screenshot(shot_page, f"shell-{name}-{appearance}-{language}")
    finally:
        set_language(app_db, DEMO_EMAIL, "en")
