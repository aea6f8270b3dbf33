"""Google sign-in in Chromium: "Continue with Google" on /login, the provider's authorization page
(oidc-provider-mock standing in for Google), and back on the dashboard as a new user with the
registration bonus. The HTTP details (PKCE, state, nonce, redirects) are in tests/auth/test_google.py."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from backend.credits import service as credits
from backend.models import CreditTransaction, User
from tests.browser.conftest import RunningApp, screenshot

pytestmark = pytest.mark.browser


def register_at_provider(issuer: str, sub: str, claims: dict) -> None:
    """The provider answers the ID token and userinfo with these claims for `sub`."""
    response = httpx.put(f"{issuer}/users/{sub}", json=claims, timeout=10)
    assert response.status_code < 300, response.text


def test_google_sign_in_creates_the_user_and_lands_on_the_dashboard(page: Page, app_server: RunningApp, app_db):
    sub = f"google-{uuid.uuid4().hex[:12]}"
    email = f"{sub}@gmail.example"
    name = "Grace Google"
    register_at_provider(app_server.google_issuer, sub, {"email": email, "name": name, "email_verified": True})

    page.goto("/login")
    google = page.locator("#google-login")
    expect(google).to_have_text("Continue with Google")
    expect(page.locator("#dev-login-form")).to_be_visible()  # the dev login stays next to it
    screenshot(page, "google-login-page")
    google.click()

    # The provider's authorization page, reached through the app's /api/v1/auth/oauth/google.
    expect(page).to_have_url(re.compile(rf"^{re.escape(app_server.google_issuer)}/oauth2/authorize\?"))
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    expect(page.locator("body")).to_contain_text(f"{app_server.url}/api/v1/auth/oauth/google/callback")
    page.fill("input[name=sub]", sub)
    screenshot(page, "google-provider-authorize")
    page.get_by_role("button", name="Authorize", exact=True).click()

    # Back on the app, signed in: the dashboard of a new user, with the registration bonus.
    expect(page).to_have_url(f"{app_server.url}/")
    expect(page.locator("#page-title")).to_have_text("Dashboard")
    expect(page.locator("#topbar-user")).to_have_text(name)
    expect(page.locator("#welcome")).to_have_text("Welcome, Grace")  # a new user: not "Welcome back"
    with app_db() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert (user.oauth_provider, user.oauth_id, user.display_name) == ("google", sub, name)
        assert user.last_login_at is not None
        bonus = session.exec(select(CreditTransaction).where(
            CreditTransaction.user_id == user.id,
            CreditTransaction.operation_type == "registration_bonus")).one()
        assert bonus.amount == credits.get_current_config(session).registration_bonus > 0
        balance = credits.get_balance(session, user.id)
        assert balance.total == bonus.amount
    expect(page.locator("#topbar-balance")).to_have_text(f"{balance.total:,.2f}")
    expect(page.locator("#dashboard-no-accounts")).to_be_visible()
    assert {"aae_access", "aae_refresh"} <= {c["name"] for c in page.context.cookies()}
    screenshot(page, "google-signed-in-dashboard")

    # Signing in again finds the same user: the provider remembers the subject and the login page
    # sends a signed-in visitor straight on.
    page.goto("/login")
    expect(page).to_have_url(f"{app_server.url}/")
    with app_db() as session:
        assert len(session.exec(select(User).where(User.email == email)).all()) == 1


def test_deny_at_the_provider_comes_back_to_login_with_the_reason(page: Page, app_server: RunningApp, app_db):
    page.goto("/login?next=/billing")
    page.click("#google-login")
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_role("button", name="Deny").click()
    expect(page).to_have_url(re.compile(r"/login/?\?error=access_denied$"))
    expect(page.locator("#login-error")).to_contain_text("Sign-in did not complete")
    expect(page.locator("#login-error")).to_contain_text("access_denied")
    assert not [c for c in page.context.cookies() if c["name"] in ("aae_access", "aae_refresh")]
