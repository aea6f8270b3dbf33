"""The remote agent: one turn over the orchestrator protocol (docs/chat-protocol.md)."""

from __future__ import annotations

import asyncio

from backend.integrations.agents.base import (
    AgentError,
    AgentRequest,
    ConnectionState,
    Final,
    Media,
    TextDelta,
    ToolCall,
    ToolInfo,
    ToolResult,
    Usage,
)
from backend.integrations.agents.remote import RemoteAgent
from tests.agents.support import FakeOrchestrator, ManualClock, drive, eventually, orchestrator_server


def request(turn_id: str = "t1", text: str = "What's my balance?") -> AgentRequest:
    return AgentRequest(user_id=7, conversation_id="c1", turn_id=turn_id, text=text,
                        history=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
                        tools=[ToolInfo("get_credit_balance", "balance", {"type": "object"}),
                               ToolInfo("pause_campaign", "pause", {"type": "object"}, requires_approval=True)])


async def answer_with_a_tool_call(fake: FakeOrchestrator, message: dict) -> None:
    turn = message["turn_id"]
    await fake.send({"type": "text", "turn_id": "another-turn", "delta": "stale"})  # ignored
    await fake.send({"type": "text", "turn_id": turn, "delta": "Let me check. "})
    await fake.send({"type": "tool_call", "turn_id": turn, "call_id": "c1", "name": "get_credit_balance",
                     "arguments": {}})
    result = await fake.next_of_type("tool_result")
    await fake.send({"type": "text", "turn_id": turn, "delta": f"Result ok={result['ok']}."})
    await fake.send({"type": "media", "turn_id": turn, "kind": "video", "key": "creatives/7/v.mp4",
                     "mime_type": "video/mp4", "caption": "ad"})
    await fake.send({"type": "usage", "turn_id": turn, "model": "gemini-pro", "input_tokens": 120,
                     "output_tokens": 30})
    await fake.send({"type": "final", "turn_id": turn, "finish_reason": "stop"})


class TestTurn:
    async def test_a_turn_streams_text_asks_for_a_tool_and_returns_its_result(self):
        fake = FakeOrchestrator(on_user_message=answer_with_a_tool_call)
        async with orchestrator_server(fake) as (_, url):
            agent = RemoteAgent(url, user_id=7, service_token="t", clock=ManualClock())
            await agent.connect()
            try:
                events = await drive(agent.run(request()), lambda call: ToolResult(
                    call.id, call.name, True, data={"total": "12.00"}))
            finally:
                await agent.close()
        assert events == [
            TextDelta("Let me check. "), ToolCall("c1", "get_credit_balance", {}), TextDelta("Result ok=True."),
            Media("video", key="creatives/7/v.mp4", mime_type="video/mp4", caption="ad"),
            Usage("gemini-pro", 120, 30), Final("stop")]
        sent = fake.of_type("user_message")[0]
        assert sent["text"] == "What's my balance?" and sent["conversation_id"] == "c1"
        assert sent["history"][0] == {"role": "user", "content": "hi"}
        assert sent["tools"] == [{"name": "get_credit_balance", "requires_approval": False},
                                 {"name": "pause_campaign", "requires_approval": True}]
        result = fake.of_type("tool_result")[0]
        assert result["call_id"] == "c1" and result["ok"] is True
        assert '"total":"12.00"' in result["content"]

    async def test_property_16_a_tool_result_sent_while_reconnecting_arrives_after_the_reconnect(self):
        """Property 16 (in a turn): the connection drops while the platform runs a tool; the
        result is queued and delivered once the link is back, and the turn completes."""
        clock = ManualClock()
        dropped = asyncio.Event()

        async def script(fake: FakeOrchestrator, message: dict) -> None:
            turn = message["turn_id"]
            await fake.send({"type": "tool_call", "turn_id": turn, "call_id": "c9", "name": "get_credit_balance",
                             "arguments": {}})
            await dropped.wait()
            result = await fake.next_of_type("tool_result")
            await fake.send({"type": "text", "turn_id": turn, "delta": f"got {result['call_id']}"})
            await fake.send({"type": "final", "turn_id": turn})

        fake = FakeOrchestrator(on_user_message=script)
        async with orchestrator_server(fake) as (_, url):
            agent = RemoteAgent(url, user_id=7, service_token="t", clock=clock)
            await agent.connect()

            async def answer_after_a_drop(call: ToolCall) -> ToolResult:
                await fake.drop()
                await eventually(lambda: agent.status.state is ConnectionState.RECONNECTING, what="the disconnect")
                return ToolResult(call.id, call.name, True, data={})

            stream = agent.run(request())
            call = await stream.asend(None)
            reply = await answer_after_a_drop(call)
            pending = asyncio.ensure_future(stream.asend(reply))
            await eventually(lambda: agent.link.queued == 1, what="the queued tool result")
            at = clock.now() + 1
            await clock.advance_to(at)
            await eventually(lambda: agent.status.state is ConnectionState.CONNECTED, what="the reconnect")
            dropped.set()
            assert await pending == TextDelta("got c9")
            assert await stream.asend(None) == Final("stop")
            await agent.close()

    async def test_a_failed_link_ends_the_turn_with_the_connection_error(self):
        clock = ManualClock()

        async def silent(fake: FakeOrchestrator, message: dict) -> None:
            fake.refuse = True
            await fake.drop()

        fake = FakeOrchestrator(on_user_message=silent)
        async with orchestrator_server(fake) as (_, url):
            agent = RemoteAgent(url, user_id=7, service_token="t", clock=clock)
            await agent.connect()
            turn = asyncio.ensure_future(drive(agent.run(request())))
            await eventually(lambda: agent.status.state is ConnectionState.RECONNECTING, what="the disconnect")
            start = clock.now()
            for at in (start + 1, start + 3, start + 7):
                await clock.advance_to(at)
            events = await turn
            await agent.close()
        assert len(events) == 1 and isinstance(events[0], AgentError)
        assert events[0].code == "2000"

    async def test_an_orchestrator_error_message_ends_the_turn(self):
        async def refuse(fake: FakeOrchestrator, message: dict) -> None:
            await fake.send({"type": "tool_call", "turn_id": message["turn_id"], "call_id": "x"})  # malformed
            await fake.send({"type": "error", "turn_id": message["turn_id"],
                             "error": {"code": "3003", "message": "model overloaded"}})

        fake = FakeOrchestrator(on_user_message=refuse)
        async with orchestrator_server(fake) as (_, url):
            agent = RemoteAgent(url, user_id=7, service_token="t", clock=ManualClock())
            await agent.connect()
            events = await drive(agent.run(request()))
            await agent.cancel("t1")
            await eventually(lambda: fake.of_type("cancel"), what="the cancel message")
            await agent.close()
        assert events == [AgentError("3003", "model overloaded")]
        assert fake.of_type("cancel") == [{"type": "cancel", "turn_id": "t1"}]
