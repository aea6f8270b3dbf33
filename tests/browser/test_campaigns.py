"""Campaigns end to end: create (validated), sync status, activate, pause, resume, edit, delete."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from backend.campaigns import service as campaigns
from backend.models import Campaign
from tests.browser.conftest import RunningApp, screenshot
from tests.browser.test_creatives import capture, database, demo_user_id, sign_in_to

pytestmark = pytest.mark.browser

NAME = "E2E Summer push"


def stored(app: RunningApp) -> Campaign:
    user_id = demo_user_id(app)
    with database(app) as session:
        return session.exec(select(Campaign).where(Campaign.user_id == user_id, Campaign.name == NAME)).one()


def listed(app: RunningApp) -> int:
    """Campaigns the list shows: every one not deleted (other tests may have added some)."""
    user_id = demo_user_id(app)
    with database(app) as session:
        return len(session.exec(select(Campaign.id).where(Campaign.user_id == user_id,
                                                          Campaign.status != "deleted")).all())


def run_sync_job(app: RunningApp, campaign_id: int) -> None:
    """What the `campaigns.sync` job does (the test app runs no worker)."""
    with database(app) as session:
        campaigns.sync(session, campaign_id=campaign_id)


def choose(page: Page, trigger: str, option: str) -> None:
    page.click(trigger)
    page.get_by_role("option", name=option, exact=True).click()


def test_create_sync_pause_resume_edit_delete(page: Page, app_server: RunningApp):
    before = listed(app_server)
    sign_in_to(page, "/campaigns")
    rows = page.locator(".campaign-row")
    expect(rows).to_have_count(before)
    row = rows.filter(has_text=NAME)

    # The form validates before anything is saved.
    page.click("#new-campaign")
    form = page.locator("#campaign-form")
    expect(form).to_be_visible()
    page.fill("#campaign-budget", "12.345")
    page.fill("#campaign-countries", "USA")
    page.click("#campaign-save")
    expect(form.locator(".field-error")).to_have_text([
        "Give the campaign a name", "A positive amount with at most 2 decimals",
        "Two-letter country codes, e.g. US, CA"])

    page.fill("#campaign-name", NAME)
    choose(page, "#campaign-objective", "Sales")
    page.fill("#campaign-budget", "42.50")
    choose(page, "#campaign-budget_type", "Lifetime")
    page.fill("#campaign-countries", "US, ca")
    page.fill("#campaign-age_min", "21")
    page.fill("#campaign-age_max", "45")
    choose(page, "#campaign-gender", "Women")
    page.fill("#campaign-interests", "running, outdoor")
    page.locator(".creative-choice").nth(0).click()
    page.locator(".creative-choice").nth(1).click()
    screenshot(page, "campaigns-form")
    page.click("#campaign-save")
    expect(form).to_be_hidden()

    # It appears as a draft whose platform sync is pending; the job syncs it.
    expect(rows).to_have_count(before + 1)
    expect(row.locator(".campaign-status")).to_have_text("Draft")
    expect(row.locator(".campaign-sync")).to_have_text("Syncing")
    created = stored(app_server)
    assert (created.objective, created.budget, created.budget_type) == ("sales", Decimal("42.50"), "lifetime")
    assert created.targeting == {"countries": ["US", "CA"], "age_min": 21, "age_max": 45, "genders": ["female"],
                                 "interests": ["running", "outdoor"]}
    assert len(created.creative_ids) == 2
    run_sync_job(app_server, created.id)
    page.click("#campaigns-refresh")
    expect(row.locator(".campaign-sync")).to_have_text("Synced")

    # Activate, pause, resume: each saved and synced again.
    row.locator(".campaign-activate").click()
    expect(row.locator(".campaign-status")).to_have_text("Active")
    expect(row.locator(".campaign-sync")).to_have_text("Syncing")
    row.locator(".campaign-pause").click()
    expect(row.locator(".campaign-status")).to_have_text("Paused")
    assert stored(app_server).status == "paused"
    row.locator(".campaign-resume").click()
    expect(row.locator(".campaign-status")).to_have_text("Active")
    run_sync_job(app_server, created.id)
    page.click("#campaigns-refresh")
    expect(row.locator(".campaign-sync")).to_have_text("Synced")
    assert stored(app_server).status == "active"

    # Edit: the form comes back filled in; the change is saved and synced.
    row.locator(".campaign-edit").click()
    expect(page.locator("#campaign-name")).to_have_value(NAME)
    expect(page.locator("#campaign-countries")).to_have_value("US, CA")
    page.fill("#campaign-budget", "55")
    page.click("#campaign-save")
    expect(row).to_contain_text("USD 55.00")
    expect(row.locator(".campaign-sync")).to_have_text("Syncing")
    capture(page, app_server, "campaigns", ready=".campaign-row", ready_zh="广告活动")

    # Delete asks first.
    row.locator(".campaign-delete").click()
    expect(page.locator("#campaign-confirm")).to_contain_text(NAME)
    page.click("#campaign-confirm-confirm")
    expect(row).to_have_count(0)
    expect(rows).to_have_count(before)
    assert stored(app_server).status == "deleted"
