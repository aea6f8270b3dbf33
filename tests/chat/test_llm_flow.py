"""A chat turn with an OpenAI-compatible model: its tool call runs through MCP, the result goes
back in the next request, and both requests' usage is charged at the pro rates."""

from __future__ import annotations

import json

from backend.chat import flow
from backend.integrations.agents.llm import LLMAgent
from tests.agents.fake_openai import FakeOpenAI, text_reply, tool_reply
from tests.agents.support import serve


async def test_a_model_tool_call_runs_through_mcp_and_the_usage_is_charged(member):
    fake = FakeOpenAI()
    fake.reply(tool_reply(("call_1", "get_credit_balance", "{}"), usage=(1000, 100)))
    fake.reply(text_reply("You have ", "plenty.", usage=(2000, 50)))
    async with serve(fake.app()) as address:
        agent = LLMAgent(base_url=f"http://{address}/v1", model="gemini-pro-compatible", api_key="k")
        session = await flow.open_session(member.id, agent=agent)
        message = await (await session.send("How many credits do I have?")).wait()

    assert message.content == "You have plenty." and message.status == "complete"
    [card] = message.tool_calls
    assert (card.name, card.status, card.requires_approval) == ("get_credit_balance", "succeeded", False)
    # pro rates: (1000 + 2000) x 0.05 / 1K + (100 + 50) x 0.2 / 1K = 0.15 + 0.03
    assert message.credits_charged == "0.18"
    tool_message = fake.requests[1]["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_1"
    assert "total" in json.loads(tool_message["content"])["data"]
    names = [t["function"]["name"] for t in fake.requests[0]["tools"]]
    assert "pause_campaign" in names and "deduct_credits" not in names
