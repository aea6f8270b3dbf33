"""The OpenAI-compatible agent against a fake server streaming the real SSE shape."""

from __future__ import annotations

import json

import pytest

from backend.integrations.agents.base import (
    AgentError,
    AgentRequest,
    Final,
    TextDelta,
    ToolCall,
    ToolInfo,
    ToolResult,
    Usage,
)
from backend.integrations.agents.llm import LLMAgent
from tests.agents.fake_openai import FakeOpenAI, chunk, text_reply, tool_reply
from tests.agents.support import drive, serve
from tests.support.servers import free_port

TOOLS = [ToolInfo("get_credit_balance", "The user's credit balance.", {"type": "object", "properties": {}}),
         ToolInfo("pause_campaign", "Pause a campaign.", {"type": "object", "properties": {
             "campaign_id": {"type": "integer"}}, "required": ["campaign_id"]}, requires_approval=True)]


def request(text: str = "How much credit do I have?") -> AgentRequest:
    return AgentRequest(user_id=7, conversation_id="c1", turn_id="t1", text=text, language="en", user_name="Ada",
                        history=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!"}],
                        tools=TOOLS)


@pytest.fixture()
async def llm():
    fake = FakeOpenAI()
    async with serve(fake.app()) as address:
        yield fake, LLMAgent(base_url=f"http://{address}/v1", model="gpt-test", api_key="sk-test")


class TestText:
    async def test_text_streams_as_it_arrives_with_usage(self, llm):
        fake, agent = llm
        fake.reply(text_reply("You have ", "12.50 ", "credits."))
        events = await drive(agent.run(request()))
        assert events == [TextDelta("You have "), TextDelta("12.50 "), TextDelta("credits."),
                          Usage("gpt-test", 50, 10), Final("stop")]

    async def test_the_request_is_a_streaming_completion_with_our_tools(self, llm):
        fake, agent = llm
        fake.reply(text_reply("ok"))
        await drive(agent.run(request()))
        body = fake.requests[0]
        assert body["model"] == "gpt-test"
        assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
        assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
        assert "Ada" in body["messages"][0]["content"] and "English" in body["messages"][0]["content"]
        assert body["messages"][-1] == {"role": "user", "content": "How much credit do I have?"}
        assert body["tools"][1] == {"type": "function", "function": {
            "name": "pause_campaign", "description": "Pause a campaign.", "parameters": TOOLS[1].parameters}}
        assert body["tool_choice"] == "auto"
        assert fake.headers[0]["authorization"] == "Bearer sk-test"

    async def test_older_streams_without_a_usage_key_or_done_marker_still_work(self, llm):
        fake, agent = llm
        fake.reply([chunk({"role": "assistant", "content": "Hi"}, with_usage_key=False),
                    chunk({}, "stop", with_usage_key=False)], done=False)
        assert await drive(agent.run(request())) == [TextDelta("Hi"), Final("stop")]


class TestToolCalls:
    async def test_fragments_are_assembled_and_the_result_goes_back_as_a_tool_message(self, llm):
        fake, agent = llm
        fake.reply(tool_reply(("call_c91Sq", "pause_campaign", '{"campaign_id": 12}')))
        fake.reply(text_reply("Paused.", usage=(120, 4)))
        results = {}

        def answer(call: ToolCall) -> ToolResult:
            results[call.id] = ToolResult(call.id, call.name, True, data={"id": 12, "status": "paused"})
            return results[call.id]

        events = await drive(agent.run(request("Pause campaign 12")), answer)
        # the calls are complete only once the stream has ended, after its usage chunk
        assert events == [Usage("gpt-test", 76, 24), ToolCall("call_c91Sq", "pause_campaign", {"campaign_id": 12}),
                          TextDelta("Paused."), Usage("gpt-test", 120, 4), Final("stop")]
        second = fake.requests[1]["messages"]
        assert second[-2] == {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_c91Sq", "type": "function",
             "function": {"name": "pause_campaign", "arguments": '{"campaign_id": 12}'}}]}
        assert second[-1] == {"role": "tool", "tool_call_id": "call_c91Sq",
                              "content": results["call_c91Sq"].content()}
        assert json.loads(second[-1]["content"])["data"] == {"id": 12, "status": "paused"}

    async def test_parallel_calls_come_in_index_order_each_with_its_result(self, llm):
        fake, agent = llm
        fake.reply(tool_reply(("call_A", "get_credit_balance", "{}"),
                              ("call_B", "pause_campaign", '{"campaign_id": 3}')))
        fake.reply(text_reply("Done."))
        events = await drive(agent.run(request()))
        calls = [e for e in events if isinstance(e, ToolCall)]
        assert calls == [ToolCall("call_A", "get_credit_balance", {}), ToolCall("call_B", "pause_campaign",
                                                                                {"campaign_id": 3})]
        tool_messages = [m for m in fake.requests[1]["messages"] if m["role"] == "tool"]
        assert [m["tool_call_id"] for m in tool_messages] == ["call_A", "call_B"]

    async def test_arguments_that_are_not_json_are_passed_on_unparsed(self, llm):
        fake, agent = llm
        fake.reply(tool_reply(("call_X", "pause_campaign", '{"campaign_id": 1')))
        fake.reply(text_reply("Sorry."))
        events = await drive(agent.run(request()), lambda call: ToolResult(
            call.id, call.name, False, error={"code": "3002", "message": "bad"}))
        call = next(e for e in events if isinstance(e, ToolCall))
        assert call.arguments is None and call.raw_arguments == '{"campaign_id": 1'
        assert json.loads(fake.requests[1]["messages"][-1]["content"])["error"]["code"] == "3002"

    async def test_a_model_that_never_stops_calling_tools_is_cut_off(self, llm):
        fake, agent = llm
        agent.max_rounds = 2
        for _ in range(2):
            fake.reply(tool_reply(("call_L", "get_credit_balance", "{}")))
        events = await drive(agent.run(request()))
        assert isinstance(events[-1], AgentError) and events[-1].code == "3003"
        assert len(fake.requests) == 2


class TestErrors:
    async def test_an_http_error_is_2000_with_the_providers_message(self, llm):
        fake, agent = llm
        fake.fail(401, {"error": {"message": "Incorrect API key", "type": "invalid_request_error",
                                  "code": "invalid_api_key"}})
        events = await drive(agent.run(request()))
        assert len(events) == 1 and events[0].code == "2000"
        assert events[0].details["http_status"] == 401
        assert "Incorrect API key" in events[0].message

    async def test_an_error_in_the_middle_of_the_stream_ends_the_turn(self, llm):
        fake, agent = llm
        fake.reply([chunk({"content": "Half"}), {"error": {"message": "overloaded", "type": "server_error"}}])
        events = await drive(agent.run(request()))
        assert events[0] == TextDelta("Half")
        assert isinstance(events[1], AgentError) and "overloaded" in events[1].message

    async def test_an_unreachable_server_is_2000(self):
        agent = LLMAgent(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m")
        events = await drive(agent.run(request()))
        assert len(events) == 1 and events[0].code == "2000"
