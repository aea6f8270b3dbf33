"""The chat drawer in Chromium: connect, a streamed answer from the database, an approval card that
pauses a campaign, history after a reload; screenshots in en/zh, light/dark."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from backend.credits import service as credits
from backend.seed import ensure_campaigns
from tests.browser.conftest import screenshot, sign_in
from tests.factories import bind_sandbox_accounts, make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def marketer(app_db):
    """A new user with credits, the sandbox accounts and the seed's campaigns."""
    from backend.models import Campaign, CampaignStatus

    email = f"chat-{uuid.uuid4().hex[:8]}@example.com"
    with app_db() as session:
        user = make_user(session, email=email, display_name="Chat Owner", gifted=Decimal("80.00"))
        account = bind_sandbox_accounts(session, user)[0]
        ensure_campaigns(session, user, account, [])
        active = session.exec(select(Campaign).where(Campaign.user_id == user.id,
                                                     Campaign.status == CampaignStatus.ACTIVE)).all()
        names = [c.name for c in active]
        # A campaign whose name no other active campaign's name is part of: the agent picks exactly it.
        target = next(c for c in active if sum(n.lower() in c.name.lower() for n in names) == 1)
        balance = credits.get_balance(session, user.id).total
        return email, user.id, target.id, target.name, balance


def open_chat(page: Page) -> None:
    """Open the drawer (after a reload it may still be open: the tab's state survives)."""
    expect(page.locator("#chat-toggle")).to_be_visible()
    if page.locator("#chat-drawer").get_attribute("aria-hidden") != "false":
        page.click("#chat-toggle")
    expect(page.locator("#chat-drawer")).to_have_attribute("aria-hidden", "false")
    expect(page.locator("#chat-status")).to_have_attribute("data-state", "connected")


def send(page: Page, text: str) -> None:
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")


def test_stream_approve_pause_and_history(page: Page, app_db, marketer):
    from backend.models import Campaign, CampaignStatus

    email, user_id, campaign_id, name, balance = marketer
    sign_in(page, email=email, name="Chat Owner")
    open_chat(page)
    expect(page.locator("#chat-status")).to_contain_text("Connected")
    expect(page.locator("#chat-welcome")).to_be_visible()
    screenshot(page, "chat-empty-en-light")

    # Streaming: the live text shows the answer as it comes, before the answer is saved. Recorded
    # by a MutationObserver, not by polling: a fast stream can come and go between two polls.
    page.evaluate("""() => {
        window.__liveTexts = [];
        new MutationObserver(() => {
            const live = document.querySelector('#chat-live-text');
            if (live && live.textContent) window.__liveTexts.push(live.textContent);
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""")
    send(page, "what is my balance")
    expect(page.locator("#chat-input")).to_have_value("")
    answer = page.locator("#chat-messages .chat-message.assistant").last
    expect(answer).to_contain_text(re.compile(r"Your balance is \d+\.\d\d credits"), timeout=20_000)
    live_texts = page.evaluate("window.__liveTexts")
    assert any("Your" in text for text in live_texts), live_texts[:5]
    expect(page.locator("#chat-stop")).to_have_count(0)
    expect(answer.locator(".tool-card")).to_have_attribute("data-status", "succeeded")
    held = f"{balance - Decimal('0.05'):.2f}"  # the turn's token reservation is held meanwhile
    assert re.search(rf"Your balance is ({balance:.2f}|{held})", answer.inner_text())

    send(page, f"pause campaign {name}")
    card = page.locator(".chat-message.live .tool-card[data-status='awaiting_approval']")
    expect(card).to_be_visible(timeout=20_000)
    expect(card).to_contain_text(str(campaign_id))
    screenshot(page, "chat-approval-en-light")
    with app_db() as session:
        assert session.get(Campaign, campaign_id).status == CampaignStatus.ACTIVE
    card.locator(".tool-approve").click()
    last = page.locator("#chat-messages .chat-message.assistant").last
    expect(last).to_contain_text(f"Paused campaign #{campaign_id}", timeout=20_000)
    expect(last.locator(".tool-card").last).to_have_attribute("data-status", "succeeded")
    with app_db() as session:
        assert session.get(Campaign, campaign_id).status == CampaignStatus.PAUSED
    screenshot(page, "chat-paused-en-light")

    # A reload: the conversation comes back from the database.
    page.reload()
    expect(page.locator("#page-title")).to_be_visible()
    open_chat(page)
    messages = page.locator("#chat-messages .chat-message")
    expect(messages).to_have_count(4)
    expect(messages.nth(0)).to_contain_text("what is my balance")
    expect(messages.nth(3)).to_contain_text(f"Paused campaign #{campaign_id}")

    screenshot(page, "chat-history-after-reload")
    page.click("#chat-close")
    expect(page.locator("#chat-drawer")).to_have_attribute("aria-hidden", "true")


def test_chinese_dark(dark_page: Page, app_db, marketer):
    email, *_ = marketer
    sign_in(dark_page, email=email, name="Chat Owner")
    with app_db() as session:
        from backend.models import User

        session.get(User, marketer[1]).language = "zh"
    dark_page.reload()
    expect(dark_page.locator("#page-title")).to_be_visible()
    open_chat(dark_page)
    expect(dark_page.locator("#chat-status")).to_contain_text("已连接")
    screenshot(dark_page, "chat-empty-zh-dark")
    send(dark_page, "我的余额是多少")
    answer = dark_page.locator("#chat-messages .chat-message.assistant").last
    expect(answer).to_contain_text("余额", timeout=20_000)
    expect(dark_page.locator("#chat-stop")).to_have_count(0)
    send(dark_page, "广告系列")
    expect(dark_page.locator("#chat-messages .chat-message")).to_have_count(4, timeout=20_000)
    expect(dark_page.locator("#chat-stop")).to_have_count(0)
    screenshot(dark_page, "chat-answers-zh-dark")
    # Today's dashboard: its card's one line is a template in the user's language, not JSON.
    send(dark_page, "今天的表现")
    expect(dark_page.locator("#chat-messages .chat-message")).to_have_count(6, timeout=20_000)
    expect(dark_page.locator("#chat-stop")).to_have_count(0)
    summary = dark_page.locator("#chat-messages .tool-summary").last
    expect(summary).to_contain_text(re.compile(r"今日：花费 [\d.]+，ROAS [\d.]+，CPA [\d.]+"))
    expect(summary).not_to_contain_text("{")
    # Longer than the drawer now: the list scrolls, pinned to the newest answer (whole, on screen),
    # and the first question is still there to scroll back to.
    newest = dark_page.locator("#chat-messages .chat-message.assistant").last
    expect(newest).to_contain_text("今天", timeout=20_000)
    expect(newest).to_be_in_viewport(ratio=1)
    sizes = dark_page.locator("#chat-messages").evaluate("e => [e.scrollHeight, e.clientHeight]")
    assert sizes[0] > sizes[1], sizes
    screenshot(dark_page, "chat-dashboard-card-zh-dark")
    first = dark_page.locator("#chat-messages .chat-message").first
    first.scroll_into_view_if_needed()
    expect(first).to_be_in_viewport(ratio=1)
