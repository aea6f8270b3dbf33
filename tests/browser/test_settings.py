"""Settings in Chromium: profile, ad accounts (bind the sandbox, unbind), API tokens, privacy."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from backend.ad_accounts import service as ad_accounts
from backend.mcp import tokens as api_tokens
from backend.models import UserStatus
from backend.users import service as users
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def fresh_user(page: Page, prefix: str, path: str = "/settings") -> str:
    """Sign in as a new user on `path`; a `?tab=` in it must have opened that tab."""
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
    sign_in(page, email=email, name="Settings Tester", path=f"/login?next={quote(path)}")
    if "tab=" in path:
        expect(page.locator(f"#tab-{path.split('tab=')[1]}")).to_have_attribute("data-state", "active")
    return email


def choose(page: Page, select_id: str, option: str) -> None:
    page.click(f"#{select_id}")
    page.get_by_role("option", name=option, exact=True).click()


def test_profile_save_validates_and_applies_the_language(page: Page, app_db):
    email = fresh_user(page, "profile")
    expect(page.locator("#profile-name")).to_have_value("Settings Tester")
    page.fill("#profile-name", "   ")
    page.click("#save-profile")
    expect(page.locator(".field-error")).to_have_text("Enter a display name.")
    screenshot(page, "settings-profile-error")
    page.fill("#profile-name", "Grace Hopper")
    choose(page, "profile-timezone", "Asia/Shanghai")
    choose(page, "profile-language", "中文")
    page.click("#save-profile")
    expect(page.locator("#page-title")).to_have_text("设置")
    expect(page.locator("#topbar-user")).to_have_text("Grace Hopper")
    expect(page.locator(".field-error")).to_have_count(0)
    with app_db() as session:
        user = users.get_by_email(session, email)
        assert (user.display_name, user.language, user.timezone) == ("Grace Hopper", "zh", "Asia/Shanghai")
    screenshot(page, "settings-profile-zh")


def test_bind_a_sandbox_account_then_unbind_with_confirmation(page: Page, app_db):
    email = fresh_user(page, "bind", "/settings?tab=accounts")
    expect(page.locator("#ad-accounts .list-empty")).to_contain_text("No ad account connected")
    page.click("#bind-account")
    expect(page).to_have_url(re.compile(r"/settings/?\?bind=ok&count=2"))
    expect(page.locator("#bind-ok")).to_be_visible()
    rows = page.locator("#account-table .account-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Sandbox Store US")
    expect(rows.first.locator(".active-badge")).to_be_visible()
    expect(rows.first.locator(".token-expiry")).to_contain_text("Days left")
    expect(page.locator("#account-switcher")).to_contain_text("Sandbox Store US")
    screenshot(page, "settings-accounts-bound")
    # Unbinding asks first; Cancel keeps it.
    rows.nth(1).locator(".unbind-account").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Unbind this ad account?")
    screenshot(page, "settings-unbind-confirm")
    dialog.get_by_role("button", name="Cancel").click()
    expect(rows).to_have_count(2)
    rows.nth(1).locator(".unbind-account").click()
    page.get_by_role("alertdialog").locator(".confirm-action").click()
    expect(rows).to_have_count(1)
    with app_db() as session:
        user = users.get_by_email(session, email)
        assert [a.account_name for a in ad_accounts.list_accounts(session, user.id)] == ["Sandbox Store US"]


def test_refresh_an_account_token(page: Page):
    fresh_user(page, "refresh", "/settings?tab=accounts")
    page.click("#bind-account")
    expect(page.locator("#account-table .account-row")).to_have_count(2)
    page.locator(".refresh-account").first.click()
    expect(page.get_by_text("Token refreshed")).to_be_visible()


def test_api_token_create_shows_it_once_then_revoke(page: Page, app_db):
    email = fresh_user(page, "tokens", "/settings?tab=tokens")
    expect(page.locator("#api-tokens .list-empty")).to_contain_text("No API tokens")
    page.click("#create-token")
    expect(page.locator("#token-name-error")).to_have_text("Give the token a name.")
    page.fill("#token-name", "Claude Desktop")
    page.click("#create-token")
    value = page.locator("#new-token-value")
    expect(value).to_have_text(re.compile(r"^aae_pat_[A-Za-z0-9_-]{43}$"))
    plaintext = value.inner_text()
    expect(page.locator("#token-table .token-row")).to_have_count(1)
    expect(page.locator("#token-table .token-row")).to_contain_text(plaintext[:12])
    screenshot(page, "settings-token-created")
    with app_db() as session:
        assert api_tokens.verify(session, plaintext).name == "Claude Desktop"
    page.click("#hide-token")
    expect(page.locator("#new-token-panel")).to_be_hidden()
    page.reload()
    expect(page.locator("#token-table .token-row")).to_have_count(1)
    assert plaintext not in page.content()  # shown once: never again
    page.locator(".revoke-token").click()
    page.get_by_role("alertdialog").locator(".confirm-action").click()
    expect(page.locator("#api-tokens .list-empty")).to_be_visible()
    with app_db() as session:
        assert api_tokens.verify(session, plaintext) is None
        assert api_tokens.list_tokens(session, users.get_by_email(session, email).id) == []


def test_email_preferences_save_on_toggle(page: Page, app_db):
    email = fresh_user(page, "prefs", "/settings?tab=notifications")
    page.click("#email-enabled")
    expect(page.get_by_text("Notification preferences saved")).to_be_visible()
    with app_db() as session:
        assert users.get_by_email(session, email).notification_preferences["email_enabled"] is False


def test_data_export_request_shows_progress(page: Page):
    fresh_user(page, "export", "/settings?tab=privacy")
    expect(page.locator("#export-status")).to_contain_text("No export requested yet.")
    page.click("#request-export")
    expect(page.locator("#export-status")).to_contain_text("Preparing your export")
    expect(page.locator("#request-export")).to_be_disabled()
    screenshot(page, "settings-export-requested")


def test_delete_account_needs_the_email_then_signs_out(page: Page, app_db):
    email = fresh_user(page, "delete", "/settings?tab=privacy")
    page.click("#delete-account")
    dialog = page.get_by_role("alertdialog")
    confirm = dialog.locator(".confirm-action")
    expect(confirm).to_be_disabled()
    page.fill("#delete-confirm-email", "wrong@example.com")
    expect(confirm).to_be_disabled()
    page.fill("#delete-confirm-email", email)
    expect(confirm).to_be_enabled()
    screenshot(page, "settings-delete-confirm")
    confirm.click()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    with app_db() as session:
        assert users.get_by_email(session, email).status == UserStatus.DELETING
