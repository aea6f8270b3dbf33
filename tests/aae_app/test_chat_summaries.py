"""Tool-call cards in the user's language: the summary line ("4 found", "balance 79.95") and the
argument names ("limit: 10") come with a text per UI language, which the card picks by the
user's language; cards without a template (a JSON preview, an orchestrator's own words) show
the backend's text as it is."""

from __future__ import annotations

import pytest

from aae_app.state.chat import ToolCard
from backend.chat.events import ToolCallView
from tests.aae_app.test_chat import _close, _signed_in, wait_for
from tests.chat.conftest import new_campaign, new_member


def _card(**fields) -> ToolCard:
    view = ToolCallView(id="c1", name="list_campaigns", title="List campaigns", arguments={}, status="succeeded")
    for name, value in fields.items():
        setattr(view, name, value)
    return ToolCard.of(view.to_dict())


@pytest.mark.parametrize(("key", "params", "en", "zh"), [
    ("found", {"total": 4}, "4 found", "找到 4 项"),
    ("shown", {"shown": 10, "total": 25}, "10 of 25 shown", "显示 10 项，共 25 项"),
    ("balance", {"total": "79.95"}, "balance 79.95", "余额 79.95"),
    ("status", {"name": "Spring sale", "status": "paused"}, "Spring sale: paused", "Spring sale：已暂停"),
    ("status", {"name": "Landing", "status": "someday"}, "Landing: someday", "Landing：someday"),  # unknown status
])
def test_a_templated_summary_in_each_language(key, params, en, zh):
    card = _card(summary=en, summary_key=key, summary_params=params)
    assert card.summary == en
    assert card.localized_summary == {"en": en, "zh": zh}


@pytest.mark.parametrize("fields", [
    {"summary": '{"estimate": "0.50"}'},  # a JSON preview: no template
    {"summary": "No pages yet"},  # an orchestrator's own summary
    {"summary": "x", "summary_key": "no_such_template", "summary_params": {"total": 1}},
    {"summary": "x", "summary_key": "found", "summary_params": {}},  # values that do not fill it
])
def test_without_a_usable_template_the_backends_text_is_shown(fields):
    card = _card(**fields)
    assert card.summary == fields["summary"] and card.localized_summary == {}


def test_a_card_from_before_templates_shows_its_stored_summary():
    card = ToolCard.of({"id": "c1", "name": "get_credit_balance", "title": "Get credit balance", "arguments": {},
                        "status": "succeeded", "summary": "balance 12.00"})
    assert (card.summary, card.localized_summary) == ("balance 12.00", {})


def test_argument_names_in_each_language():
    card = _card(arguments={"limit": 10, "status": "active", "not_a_known_argument": [1]})
    assert card.arguments == 'limit: 10, status: active, not_a_known_argument: [1]'
    assert card.localized_arguments == {
        "en": 'limit: 10, status: active, not_a_known_argument: [1]',
        "zh": '数量上限: 10, 状态: active, not_a_known_argument: [1]',
    }
    assert _card(arguments={}).localized_arguments == {}


async def test_a_chinese_users_campaign_list_card(committed_engine):
    """Through the real event pipeline and the demo agent: "广告活动" lists the campaigns."""
    member = new_member(gifted="50.00", language="zh")
    for name in ("Spring sale", "Summer sale", "Autumn sale", "Winter sale"):
        new_campaign(member, name=name)
    pipeline = await _signed_in(member.id, "tok-chat-zh-1")
    try:
        await pipeline.run("send_text", text="广告活动")
        chat = await wait_for(lambda c: not c.streaming and len(c.messages) == 2, pipeline)
        assert chat.language == "zh"
        [card] = chat.messages[1].tool_calls
        assert card.name == "list_campaigns" and card.status == "succeeded"
        assert (card.summary, card.arguments) == ("4 found", "limit: 10")  # the backend's English
        assert card.localized_summary["zh"] == "找到 4 项"
        assert card.localized_arguments["zh"] == "数量上限: 10"
    finally:
        await _close(pipeline)
