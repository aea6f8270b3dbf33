"""A tool-call card's summary: one English line (`summary`, as /ws/chat clients always had it) and
the template it came from (`summary_key`, `summary_params`), which the web UI shows in the
user's language. Checked on `policy.describe` and on cards of a real turn, as the history keeps
them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.chat import flow, policy, service
from backend.db import unit_of_work
from backend.integrations.agents.base import Final, TextDelta, ToolCall, ToolResult
from tests.chat.conftest import ScriptedAgent, new_campaign


@pytest.mark.parametrize(("data", "text", "key", "params"), [
    ({"items": [{}, {}, {}, {}], "total": 4}, "4 found", "found", {"total": 4}),
    ({"items": [{}, {}], "total": 9, "limit": 2}, "2 of 9 shown", "shown", {"shown": 2, "total": 9}),
    ([1, 2, 3], "3 found", "found", {"total": 3}),
    ({"name": "Spring sale", "status": "paused", "id": 7}, "Spring sale: paused", "status",
     {"name": "Spring sale", "status": "paused"}),
    ({"total": Decimal("79.95"), "gifted_credits": Decimal("79.95")}, "balance 79.95", "balance",
     {"total": "79.95"}),
])
def test_templated_summaries(data, text, key, params):
    summary = policy.describe(data)
    assert (summary.text, summary.key, summary.params) == (text, key, params)
    assert policy.summarize(data) == text
    assert policy.SUMMARY_TEMPLATES[key].format(**params) == text


def test_other_results_are_a_json_preview_without_a_template():
    summary = policy.describe({"estimate": "0.50", "affordable": True})
    assert (summary.text, summary.key, summary.params) == ('{"estimate": "0.50", "affordable": true}', "", {})
    long = policy.describe({"text": "x" * 500})
    assert len(long.text) == policy.SUMMARY_CHARS and long.text.endswith("…") and long.key == ""


def test_an_orchestrators_own_summary_is_kept_as_it_is():
    data = {"items": [], "total": 0}
    assert policy.described("0 found", data) == policy.describe(data)
    assert policy.described("Nothing there yet", data) == policy.Summary("Nothing there yet")


async def test_cards_of_a_turn_carry_their_template_into_the_history(member):
    new_campaign(member, name="Spring sale")
    new_campaign(member, name="Autumn sale")
    agent = ScriptedAgent(
        ToolCall("c1", "get_credit_balance", {}),
        ToolCall("c2", "list_campaigns", {"limit": 1}),
        # Run by the orchestrator itself: its own summary, or none (then the data's line).
        ToolResult("c3", "list_landing_pages", True, data={"items": [], "total": 0}, summary="No pages yet"),
        ToolResult("c4", "list_landing_pages", True, data={"items": [], "total": 0}),
        TextDelta("Done."), Final())
    session = await flow.open_session(member.id, agent=agent)
    turn = await session.send("balance and campaigns")
    await turn.wait()
    with unit_of_work() as db:
        _, answer = service.load_history(db, member.id, turn.conversation_id)
    cards = {card.id: card for card in answer.tool_calls}
    balance, page, own, derived = cards["c1"], cards["c2"], cards["c3"], cards["c4"]
    assert balance.summary_key == "balance" and balance.summary == f"balance {balance.summary_params['total']}"
    assert Decimal(balance.summary_params["total"]) > 0
    assert (page.summary, page.summary_key, page.summary_params) == ("1 of 2 shown", "shown", {"shown": 1, "total": 2})
    assert (own.summary, own.summary_key, own.summary_params) == ("No pages yet", "", {})
    assert (derived.summary, derived.summary_key, derived.summary_params) == ("0 found", "found", {"total": 0})
    assert page.to_dict()["summary_params"] == {"shown": 1, "total": 2}  # as /ws/chat sends it
