"""The offline demo agent answers each intent, in English and Chinese, from the user's real
data through the real tools (the chat flow, the MCP execution path, MariaDB)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest
from sqlmodel import select

from backend.chat import flow
from backend.chat.events import MediaAdded, TextAdded, ToolCallUpdated
from backend.creatives import service as creatives
from backend.db import unit_of_work
from backend.integrations.agents.demo import DemoAgent, detect_intent, language_of, words
from backend.models import Campaign, CreditHold, LandingPage
from backend.reports import service as reports
from backend.reports.service import MetricInput
from tests.chat.conftest import Member, collect, new_campaign, new_member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def ask(member: Member, text: str, *, approve: bool = True):
    """One demo turn; approves whatever asks for approval. Returns (answer, events)."""
    session = await flow.open_session(member.id, agent=DemoAgent(word_delay=0))
    turn = await session.send(text)
    events = await collect(turn, lambda e: approve and isinstance(e, ToolCallUpdated)
                           and e.call.status == "awaiting_approval" and session.approve(e.call.id))
    assert turn.message is not None and turn.message.status == "complete"
    streamed = "".join(e.delta for e in events if isinstance(e, TextAdded))
    assert streamed == turn.message.content
    assert len([e for e in events if isinstance(e, TextAdded)]) > 3  # word by word, not in one piece
    return turn.message.content, events, turn


def held_for(turn) -> Decimal:
    with unit_of_work() as db:
        hold = db.exec(select(CreditHold).where(CreditHold.operation_id == f"chat:{turn.id}")).one()
        return hold.amount_held


@pytest.fixture()
def member(committed_engine) -> Member:
    return new_member(gifted="100.00", purchased="0.00")


@pytest.fixture()
def rich(committed_engine) -> Member:
    return new_member(gifted="100.00", purchased="25.50")


class TestIntents:
    @pytest.mark.parametrize("text, expected", [
        ("What's my balance?", "Your balance is {total} credits ({gifted} gifted, 25.50 purchased)."),
        ("我的余额还有多少？", "您的积分余额为 {total}（赠送 {gifted}，购买 25.50）。"),
    ])
    async def test_balance(self, rich, text, expected):
        answer, _, turn = await ask(rich, text)
        hold = held_for(turn)  # the turn's own token hold is already taken when the tool reads
        assert answer == expected.format(total=f"{Decimal('125.50') - hold:,.2f}",
                                         gifted=f"{Decimal('100.00') - hold:,.2f}")

    @pytest.mark.parametrize("text, expected", [
        ("How did we perform today?", ("Today so far: spend 120.00, revenue 480.00, ROAS 4.00, CPA 20.00, "
                                       "6 conversions.")),
        ("今天的表现怎么样", "今天：花费 120.00，收入 480.00，ROAS 4.00，CPA 20.00，转化 6 次。"),
    ])
    async def test_todays_performance(self, rich, text, expected):
        today = datetime.now(UTC).date()
        with unit_of_work() as db:
            reports.save_metrics(db, user_id=rich.id, rows=[MetricInput(
                ad_account_id=rich.account_id, timestamp=datetime.combine(today, time(0, 30), UTC),
                entity_type="campaign", entity_id="cmp-1", entity_name="Spring sale", impressions=1000, clicks=50,
                spend=Decimal("120.00"), conversions=6, revenue=Decimal("480.00"))])
        answer, _, _ = await ask(rich, text)
        assert answer == expected

    async def test_no_performance_yet(self, member):
        assert (await ask(member, "how am I doing today"))[0] == "There is no delivery data for today yet."

    @pytest.mark.parametrize("text", ["List my campaigns", "看看我的广告活动"])
    async def test_list_campaigns(self, member, text):
        first = new_campaign(member, name="Spring sale")
        second = new_campaign(member, name="Summer launch", status="draft")
        answer, _, _ = await ask(member, text)
        if text.startswith("List"):
            assert f"#{first} Spring sale (active, 50.00/daily)" in answer
            assert f"#{second} Summer launch (draft, 50.00/daily)" in answer
            assert answer.startswith("You have 2 campaigns")
        else:  # statuses and budget types in Chinese too
            assert f"#{first} Spring sale（投放中，每日 50.00）" in answer
            assert f"#{second} Summer launch（草稿，每日 50.00）" in answer
            assert answer.startswith("您共有 2 个广告活动") and "draft" not in answer and "daily" not in answer

    @pytest.mark.parametrize("template, expected", [
        ("Pause campaign {id}", 'Paused campaign #{id} "Spring sale".'),
        ("暂停广告活动 {id}", "已暂停广告活动 #{id}「Spring sale」。"),
    ])
    async def test_pause_a_campaign_after_approval(self, member, template, expected):
        campaign_id = new_campaign(member)
        new_campaign(member, name="Other")
        answer, events, _ = await ask(member, template.format(id=campaign_id))
        assert answer == expected.format(id=campaign_id)
        statuses = [e.call.status for e in events if isinstance(e, ToolCallUpdated)]
        assert statuses == ["awaiting_approval", "running", "succeeded"]
        with unit_of_work() as db:
            assert db.get(Campaign, campaign_id).status == "paused"

    async def test_pause_by_name_and_a_rejection_leaves_it_running(self, member):
        campaign_id = new_campaign(member, name="Spring sale")
        new_campaign(member, name="Winter deals")
        session = await flow.open_session(member.id, agent=DemoAgent(word_delay=0))
        turn = await session.send("please pause Spring sale")
        await collect(turn, lambda e: isinstance(e, ToolCallUpdated) and e.call.status == "awaiting_approval"
                      and session.reject(e.call.id))
        assert turn.message.content == "OK, I did not do it."
        with unit_of_work() as db:
            assert db.get(Campaign, campaign_id).status == "active"

    async def test_pause_asks_which_one_when_it_is_ambiguous(self, member):
        new_campaign(member, name="Spring sale")
        new_campaign(member, name="Winter deals")
        answer, events, _ = await ask(member, "pause a campaign")
        assert answer.startswith("Which campaign should I pause?") and "Winter deals" in answer
        assert [e.call.name for e in events if isinstance(e, ToolCallUpdated)] == ["list_campaigns"] * 2

    @pytest.mark.parametrize("text, language, expected", [
        ("Draft a landing page for https://shop.example.com/red-shoes", "en", (
            'Drafted landing page #{id} "Red Shoes landing page" for https://shop.example.com/red-shoes; '
            "it cost 15.00 credits.")),
        ("帮我为 https://shop.example.com/red-shoes 做一个落地页", "zh", "已创建落地页草稿 #{id}「Red Shoes landing page」，花费 15.00 积分。"),
    ])
    async def test_draft_a_landing_page(self, member, text, language, expected):
        answer, _, turn = await ask(member, text)
        with unit_of_work() as db:
            page = db.exec(select(LandingPage).where(LandingPage.user_id == member.id)).one()
        assert answer.startswith(expected.format(id=page.id))
        assert (page.status, page.language, page.product_url) == ("draft", language,
                                                                 "https://shop.example.com/red-shoes")
        assert turn.message.tool_calls[0].credits_charged == "15.00"

    async def test_a_landing_page_needs_a_url(self, member):
        answer, events, _ = await ask(member, "draft a landing page")
        assert "product's URL" in answer and not [e for e in events if isinstance(e, ToolCallUpdated)]

    @pytest.mark.parametrize("text", ["show my creatives", "我的素材"])
    async def test_list_creatives_with_their_media(self, member, text):
        with unit_of_work() as db:
            creative = creatives.create_from_bytes(db, user_id=member.id, data=PNG, name="Blue banner")
            key = creative.storage_key
        answer, events, turn = await ask(member, text)
        assert "Blue banner (image)" in answer
        [media] = [e.media for e in events if isinstance(e, MediaAdded)]
        assert media.key == key and media.caption == "Blue banner" and "signature=" in media.url
        assert turn.message.media[0].key == key

    @pytest.mark.parametrize("text, start", [("hello", "I can tell you"), ("你好", "我可以")])
    async def test_anything_else_gets_the_help_text(self, member, text, start):
        assert (await ask(member, text))[0].startswith(start)


class TestUnits:
    @pytest.mark.parametrize("text, intent", [
        ("what's my balance", "balance"), ("how many credits do I have", "balance"), ("余额", "balance"),
        ("today's performance", "performance"), ("今天的表现", "performance"),
        ("list campaigns", "campaigns"), ("广告系列", "campaigns"), ("广告活动", "campaigns"),
        ("pause campaign 3", "pause"), ("暂停广告系列", "pause"),
        ("draft a landing page", "landing_page"), ("落地页", "landing_page"),
        ("list creatives", "creatives"), ("素材", "creatives"), ("tell me a joke", "help"),
    ])
    def test_intents(self, text, intent):
        assert detect_intent(text) == intent

    def test_words_and_language(self):
        assert "".join(words("Hello, 世界 again")) == "Hello, 世界 again"
        assert words("ab 你好") == ["ab ", "你", "好"]
        assert language_of("你好") == "zh" and language_of("hi") == "en"
