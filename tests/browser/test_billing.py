"""Billing in Chromium: the ledger matches the database; recharge through the local checkout."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from backend.credits import service as credits
from backend.models import TransactionType
from backend.seed import DEMO_EMAIL
from backend.users import service as users
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


def new_user(app_db, *, deductions: int = 0) -> str:
    email = f"billing-{uuid.uuid4().hex[:8]}@example.com"
    with app_db() as session:
        user = make_user(session, email=email, display_name="Bill Payer")
        for n in range(deductions):
            credits.deduct(session, user_id=user.id, amount="1.25", operation_type="image_generation",
                           operation_id=f"browser-{user.id}-{n}")
    return email


def balance_of(app_db, email: str) -> Decimal:
    with app_db() as session:
        return credits.get_balance(session, users.get_by_email(session, email).id).total


def test_demo_ledger_matches_the_database(page: Page, app_db):
    with app_db() as session:
        demo = users.get_by_email(session, DEMO_EMAIL)
        balance = credits.get_balance(session, demo.id)
        rows, total = credits.list_transactions(session, demo.id, limit=20)
    sign_in(page, path="/login?next=/billing")
    expect(page.locator("#balance-total")).to_have_text(f"{balance.total:,.2f}")
    expect(page.locator("#balance-gifted")).to_have_text(f"{balance.gifted:,.2f}")
    expect(page.locator("#balance-purchased")).to_have_text(f"{balance.purchased:,.2f}")
    table_rows = page.locator("#ledger-table .ledger-row")
    expect(table_rows).to_have_count(len(rows))
    expect(table_rows.first).to_contain_text(f"{rows[0].balance_after:,.2f}")
    expect(table_rows.last).to_contain_text("Registration bonus")
    expect(page.locator("#ledger-pager .pager-label")).to_have_text(f"1–{len(rows)} of {total}")
    expect(page.locator(".package-card")).to_have_count(3)
    screenshot(page, "billing-demo")


def test_ledger_paging_and_type_filter(page: Page, app_db):
    email = new_user(app_db, deductions=24)
    sign_in(page, email=email, name="Bill Payer", path="/login?next=/billing")
    rows = page.locator("#ledger-table .ledger-row")
    expect(rows).to_have_count(20)
    expect(page.locator("#ledger-pager .pager-label")).to_have_text("1–20 of 25")
    page.locator("#ledger-pager .pager-next").click()
    expect(page.locator("#ledger-pager .pager-label")).to_have_text("21–25 of 25")
    expect(rows).to_have_count(5)
    expect(rows.last).to_contain_text("Registration bonus")
    page.click("#ledger-type-filter")
    page.get_by_role("option", name="Gift").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#ledger-pager .pager-label")).to_have_text("1–1 of 1")
    page.click("#ledger-type-filter")
    page.get_by_role("option", name="Purchase").click()
    expect(page.locator("#ledger .list-empty")).to_contain_text("No credit activity")


def test_recharge_through_the_local_checkout_credits_once(page: Page, app_db):
    email = new_user(app_db)
    before = balance_of(app_db, email)
    sign_in(page, email=email, name="Bill Payer", path="/login?next=/billing")
    page.locator(".buy-package[data-package='starter']").click()
    expect(page).to_have_url(re.compile(r"/api/v1/billing/local-checkout/\d+\?token="))
    screenshot(page, "billing-local-checkout")
    page.click("#pay")
    expect(page).to_have_url(re.compile(r"/billing/?\?paid=1"))
    expect(page.locator("#checkout-paid")).to_be_visible()
    after = before + Decimal("1000")
    expect(page.locator("#balance-total")).to_have_text(f"{after:,.2f}")
    expect(page.locator("#topbar-balance")).to_have_text(f"{after:,.2f}")
    expect(page.locator("#ledger-table .ledger-row").first).to_contain_text("+1,000.00")
    screenshot(page, "billing-paid")
    # Coming back to the success URL (a reload, the back button) credits nothing more.
    page.reload()
    expect(page.locator("#checkout-paid")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    assert balance_of(app_db, email) == after
    with app_db() as session:
        user = users.get_by_email(session, email)
        _, purchases = credits.list_transactions(session, user.id, types=[TransactionType.RECHARGE])
    assert purchases == 1


def test_canceled_checkout_says_nothing_was_charged(page: Page, app_db):
    email = new_user(app_db)
    before = balance_of(app_db, email)
    sign_in(page, email=email, name="Bill Payer", path="/login?next=/billing")
    expect(page.locator(".buy-package[data-package='growth']")).to_be_visible(timeout=30_000)
    page.locator(".buy-package[data-package='growth']").click()
    expect(page).to_have_url(re.compile(r"/local-checkout/"))
    page.click("#cancel")
    expect(page).to_have_url(re.compile(r"/billing/?\?canceled=1"))
    expect(page.locator("#checkout-canceled")).to_be_visible()
    assert balance_of(app_db, email) == before
