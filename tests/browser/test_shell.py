"""The application shell end to end: guard, dev login, dashboard, billing, sign out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from aae_app.state.views import BalanceView, LedgerRow
from backend.auth.tokens import create_access_token, decode_access_token
from backend.credits import service as credits
from backend.db import make_engine, unit_of_work
from backend.seed import DEMO_EMAIL, DEMO_NAME
from backend.users import service as users
from tests.browser.conftest import RunningApp, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture()
def demo_ledger(app_server: RunningApp) -> tuple[BalanceView, list[LedgerRow], int]:
    """The demo user's balance and latest ledger rows, read straight from the database."""
    engine = make_engine(app_server.database_url)
    try:
        with unit_of_work(engine) as session:
            user = users.get_by_email(session, DEMO_EMAIL)
            balance = BalanceView.of(credits.get_balance(session, user.id))
            rows, total = credits.list_transactions(session, user.id, limit=20)
            return balance, [LedgerRow.of(tx) for tx in rows], total
    finally:
        engine.dispose()


def sign_in(page: Page, *, next_path: str = "/") -> None:
    expect(page.locator("#dev-login-form")).to_be_visible()
    page.fill("#login-email", DEMO_EMAIL)
    page.fill("#login-display_name", DEMO_NAME)
    page.click("#dev-login-submit")


def test_root_redirects_to_login(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/?(\?.*)?$"))
    expect(page.get_by_role("heading", name="Sign in to AAE")).to_be_visible()
    expect(page.locator("#login-email")).to_have_value("demo@aae.local")
    screenshot(page, "login")


def test_dev_login_lands_on_dashboard_with_exact_balance(page: Page, app_server: RunningApp, demo_ledger):
    balance, rows, _ = demo_ledger
    page.goto("/")
    sign_in(page)
    expect(page).to_have_url(f"{app_server.url}/")
    expect(page.locator("#welcome")).to_have_text("Welcome back, Demo")
    expect(page.locator("#balance-total")).to_have_text(balance.total)
    expect(page.locator("#balance-gifted")).to_have_text(balance.gifted)
    expect(page.locator("#balance-purchased")).to_have_text(balance.purchased)
    expect(page.locator("#topbar-balance")).to_have_text(balance.total)
    expect(page.locator("#topbar-user")).to_have_text(DEMO_NAME)
    expect(page.locator("#recent-activity .ledger-row")).to_have_count(min(5, len(rows)))
    expect(page.locator("#low-balance-banner")).to_have_count(0)
    screenshot(page, "dashboard")


def test_billing_lists_ledger_rows_after_login_with_next(page: Page, app_server: RunningApp, demo_ledger):
    balance, rows, total = demo_ledger
    page.goto("/billing")
    expect(page).to_have_url(re.compile(r"/login/?\?next=/billing"))
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/billing/?$"))
    expect(page.locator("#balance-total")).to_have_text(balance.total)
    table_rows = page.locator("#ledger-table .ledger-row")
    expect(table_rows).to_have_count(len(rows))
    expect(page.locator("#ledger-count")).to_have_text(f"Showing the latest {len(rows)} of {total} transactions")
    expect(table_rows.first).to_contain_text(rows[0].amount)
    expect(table_rows.first).to_contain_text(rows[0].description)
    expect(table_rows.last).to_contain_text("Registration bonus")
    screenshot(page, "billing")


def test_sidebar_reaches_placeholder_sections(page: Page):
    page.goto("/login")
    sign_in(page)
    expect(page.locator("#balance-total")).to_be_visible()
    page.get_by_role("link", name="Campaigns").click()
    expect(page).to_have_url(re.compile(r"/campaigns/?$"))
    expect(page.locator(".coming-later")).to_contain_text("Coming in a later release")
    screenshot(page, "campaigns")


def test_sign_out_returns_to_login_and_ends_the_session(page: Page):
    page.goto("/login")
    sign_in(page)
    expect(page.locator("#balance-total")).to_be_visible()
    page.click("#sign-out")
    expect(page).to_have_url(re.compile(r"/login/?$"))
    expect(page.locator("#dev-login-form")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] in ("aae_access", "aae_refresh")]
    page.goto("/billing")
    expect(page).to_have_url(re.compile(r"/login/?\?next=/billing"))


def test_expired_access_token_is_refreshed_transparently(page: Page, app_server: RunningApp, demo_ledger):
    balance, _, _ = demo_ledger
    page.goto("/login")
    sign_in(page)
    expect(page.locator("#balance-total")).to_be_visible()
    engine = make_engine(app_server.database_url)
    try:
        with unit_of_work(engine) as session:
            user_id = users.get_by_email(session, DEMO_EMAIL).id
    finally:
        engine.dispose()
    expired = create_access_token(user_id, now=datetime.now(UTC) - timedelta(hours=2))
    page.context.add_cookies([{"name": "aae_access", "value": expired, "url": app_server.url, "httpOnly": True,
                               "sameSite": "Lax"}])
    page.goto("/billing")
    expect(page).to_have_url(re.compile(r"/billing/?$"))
    expect(page.locator("#balance-total")).to_have_text(balance.total)
    fresh = next(c["value"] for c in page.context.cookies() if c["name"] == "aae_access")
    assert fresh != expired and decode_access_token(fresh).user_id == user_id


def test_cors_is_pinned_to_the_public_url(app_server: RunningApp):
    evil = httpx.get(f"{app_server.url}/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in evil.headers
    own = httpx.get(f"{app_server.url}/api/v1/health", headers={"Origin": app_server.url})
    assert own.headers["access-control-allow-origin"] == app_server.url
    assert own.headers["x-request-id"].startswith("req_")
