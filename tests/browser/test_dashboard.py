"""The dashboard in Chromium: its numbers are the database's (Property 12), for one or all accounts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from aae_app.state.dashboard import KPI_METRICS, Kpi, campaigns_of, kpis_of
from backend.ad_accounts import service as ad_accounts
from backend.reports import service as reports
from backend.reports.service import MetricInput
from backend.seed import DEMO_EMAIL
from backend.users import service as users
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_ad_account, make_user

pytestmark = pytest.mark.browser


def expect_kpis(page: Page, kpis: list[Kpi]) -> None:
    for kpi in kpis:
        expect(page.locator(f"#kpi-{kpi.metric}-today")).to_have_text(kpi.today)
        expect(page.locator(f"#kpi-{kpi.metric}-yesterday")).to_have_text(kpi.yesterday)
        expect(page.locator(f"#kpi-{kpi.metric}-change")).to_have_text(kpi.change)


def test_property_12_demo_dashboard_numbers_match_the_database(page: Page, app_db):
    """Property 12: today's and yesterday's spend, ROAS, CPA, CTR, conversions and the change."""
    with app_db() as session:
        demo = users.get_by_email(session, DEMO_EMAIL)
        account = ad_accounts.get_active_or_raise(session, demo.id)
        summary = reports.summary(session, user_id=demo.id, ad_account_id=account.id)
        kpis, campaigns = kpis_of(summary, account.currency), campaigns_of(summary, account.currency)
    sign_in(page)
    expect(page.locator(".kpi-card")).to_have_count(len(KPI_METRICS))
    expect_kpis(page, kpis)
    rows = page.locator("#campaign-table .campaign-row")
    expect(rows).to_have_count(len(campaigns))
    for row, campaign in zip(rows.all(), campaigns, strict=True):
        for value in (campaign.name, campaign.spend, campaign.impressions, campaign.ctr, campaign.roas):
            expect(row).to_contain_text(value)
    expect(page.locator("#trend-chart svg.recharts-surface[role=application]")).to_be_visible()
    expect(page.locator("#trend-chart .recharts-xAxis .recharts-cartesian-axis-tick")).to_have_count(7)
    screenshot(page, "dashboard-demo")


@pytest.fixture()
def two_accounts(app_db):
    """A new user with a US (active) and an EU account, both with today's and yesterday's metrics."""
    email = f"multi-{uuid.uuid4().hex[:8]}@example.com"
    today = datetime.now(UTC).date()
    with app_db() as session:
        user = make_user(session, email=email, display_name="Multi Account")
        us = make_ad_account(session, user, account_name="US store", currency="USD", is_active=True)
        eu = make_ad_account(session, user, account_name="EU store", currency="EUR")
        rows = []
        for account, scale in ((us, 1), (eu, 3)):
            for day, factor in ((today, 2), (today - timedelta(days=1), 1)):
                rows.append(MetricInput(
                    ad_account_id=account.id, timestamp=datetime.combine(day, time(9), tzinfo=UTC),
                    entity_type="campaign", entity_id=f"c-{account.id}", entity_name=f"{account.account_name} sale",
                    impressions=1000 * scale * factor, clicks=30 * scale * factor,
                    spend=Decimal("12.50") * scale * factor, conversions=2 * scale * factor,
                    revenue=Decimal("40") * scale * factor))
        reports.save_metrics(session, user_id=user.id, rows=rows)
    return email, us.id, eu.id


def expected_kpis(app_db, email: str, account_id: int | None, currency: str) -> list[Kpi]:
    with app_db() as session:
        user = users.get_by_email(session, email)
        return kpis_of(reports.summary(session, user_id=user.id, ad_account_id=account_id), currency)


def test_several_accounts_switcher_and_all_accounts(page: Page, app_db, two_accounts):
    email, us_id, eu_id = two_accounts
    sign_in(page, email=email, name="Multi Account")
    expect_kpis(page, expected_kpis(app_db, email, us_id, "USD"))
    expect(page.locator("#dashboard-scope-name")).to_contain_text("US store")
    # Switch the active account in the top bar: the dashboard follows.
    page.click("#account-switcher")
    page.get_by_role("option", name="EU store").click()
    expect(page.locator("#account-switcher")).to_contain_text("EU store")
    expect_kpis(page, expected_kpis(app_db, email, eu_id, "EUR"))
    with app_db() as session:
        assert ad_accounts.get_active_or_raise(session, users.get_by_email(session, email).id).id == eu_id
    # All accounts: both summed, no currency sign for a mix.
    page.locator("#dashboard-scope").get_by_role("radio", name="All accounts").click()
    expect_kpis(page, expected_kpis(app_db, email, None, ""))
    expect(page.locator("#campaign-table .campaign-row")).to_have_count(2)
    screenshot(page, "dashboard-all-accounts")


def test_a_new_user_without_accounts_is_invited_to_connect(page: Page):
    sign_in(page, email=f"fresh-{uuid.uuid4().hex[:8]}@example.com", name="Fresh User")
    expect(page.locator("#dashboard-no-accounts")).to_be_visible()
    expect(page.locator("#suggestions")).to_contain_text("No suggestions right now")
    screenshot(page, "dashboard-no-accounts")
