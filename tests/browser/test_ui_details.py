"""Details across pages: tab titles in the user's language, tool names and summaries on chat cards
in Chinese, the cookie card never covering the chat drawer, the demo dashboard opening on today's
numbers."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from aae_app.state.dashboard import kpis_of
from backend.ad_accounts import service as ad_accounts
from backend.reports import service as reports
from backend.seed import DEMO_EMAIL
from backend.users import service as users
from tests.browser.conftest import screenshot, sign_in
from tests.factories import bind_sandbox_accounts, make_user

pytestmark = pytest.mark.browser


def new_user(app_db, *, language: str = "en") -> str:
    email = f"details-{uuid.uuid4().hex[:8]}@example.com"
    with app_db() as session:
        user = make_user(session, email=email, display_name="Detail Checker", gifted=Decimal("80.00"))
        user.language = language
        bind_sandbox_accounts(session, user)
    return email


def test_tab_titles_follow_the_language(page: Page, app_db):
    page.goto("/login")
    expect(page).to_have_title("Sign in · AAE")
    page.locator("#login-language").get_by_role("radio", name="中文").click()
    expect(page).to_have_title("登录 · AAE")
    email = new_user(app_db, language="zh")
    sign_in(page, email=email, name="Detail Checker")
    expect(page).to_have_title("仪表盘 · AAE")
    page.locator("nav .nav-link", has_text="账单").click()
    expect(page).to_have_title("账单 · AAE")
    page.click("#user-menu")
    page.click("#menu-language")  # to English: the title follows at once
    expect(page).to_have_title("Billing · AAE")
    page.goto("/landing-pages")
    expect(page).to_have_title("Landing pages · AAE")


def test_tool_cards_name_the_tool_in_chinese(page: Page, app_db):
    email = new_user(app_db, language="zh")
    sign_in(page, email=email, name="Detail Checker")
    page.click("#chat-toggle")
    expect(page.locator("#chat-status")).to_have_attribute("data-state", "connected")
    page.fill("#chat-input", "我的余额是多少")
    page.press("#chat-input", "Enter")
    card = page.locator("#chat-messages .chat-message.assistant .tool-card").last
    expect(card).to_have_attribute("data-status", "succeeded")
    expect(card.locator(".tool-title")).to_have_text("查询积分余额")
    expect(card.locator(".tool-status")).to_have_text("已完成")
    expect(card.locator(".tool-summary")).to_have_text(re.compile(r"^余额 \d+\.\d\d$"))  # not "balance …"
    expect(page.locator("#chat-stop")).to_have_count(0)  # the answer is complete
    screenshot(page, "chat-tool-card-zh")


def boxes_overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.mark.parametrize("viewport", [(1366, 860), (1024, 768), (390, 844)], ids=["wide", "narrow", "phone"])
def test_cookie_card_never_covers_the_chat(first_visit_page: Page, app_db, viewport):
    page = first_visit_page
    width, height = viewport
    email = new_user(app_db)
    sign_in(page, email=email, name="Detail Checker")
    page.set_viewport_size({"width": width, "height": height})
    consent, drawer = page.locator("#cookie-consent"), page.locator("#chat-drawer")
    expect(consent).to_be_visible()
    page.click("#chat-toggle")
    expect(drawer).to_have_attribute("aria-hidden", "false")
    expect(page.locator("#chat-status")).to_have_attribute("data-state", "connected")
    screenshot(page, f"cookie-consent-beside-chat-{width}")
    # The input takes a click and text (a covered input would not receive the click).
    page.locator("#chat-input").click()
    page.keyboard.type("what is my balance")
    expect(page.locator("#chat-input")).to_have_value("what is my balance")
    if width >= 768:
        # Beside the drawer, fully on screen, still answerable.
        box, drawer_box = consent.bounding_box(), drawer.bounding_box()
        assert not boxes_overlap(box, drawer_box), (box, drawer_box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= drawer_box["x"]
        page.click("#cookies-essential")
        expect(consent).to_have_count(0)
    else:
        # The drawer fills a phone's screen: the card waits behind it and is there once it closes.
        page.click("#chat-close")
        expect(drawer).to_have_attribute("aria-hidden", "true")
        page.click("#cookies-accept")
        expect(consent).to_have_count(0)


def test_demo_dashboard_opens_on_todays_numbers(page: Page, app_db):
    """The seed has today so far: no $0.00 and no -100 % change on the demo's first screen."""
    with app_db() as session:
        demo = users.get_by_email(session, DEMO_EMAIL)
        account = ad_accounts.get_active_or_raise(session, demo.id)
        summary = reports.summary(session, user_id=demo.id, ad_account_id=account.id)
        kpis = {kpi.metric: kpi for kpi in kpis_of(summary, account.currency)}
    for metric in ("spend", "impressions", "conversions", "revenue"):
        assert getattr(summary.today, metric) > 0, metric
    for metric in ("spend", "roas", "cpa", "ctr", "conversions"):
        assert summary.change(metric) is not None and summary.change(metric) > -1, metric
    sign_in(page)
    for metric in ("spend", "roas", "conversions"):
        expect(page.locator(f"#kpi-{metric}-today")).to_have_text(kpis[metric].today)
        expect(page.locator(f"#kpi-{metric}-change")).to_have_text(kpis[metric].change)
    screenshot(page, "dashboard-demo-today")
