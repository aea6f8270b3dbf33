"""A chat turn with the remote orchestrator: its tool call is approved, runs through the MCP
path, and the result goes back over the link — which drops and comes back meanwhile."""

from __future__ import annotations

import json

from backend.chat import flow
from backend.chat.events import StatusChanged, ToolCallUpdated
from backend.db import unit_of_work
from backend.integrations.agents.base import ConnectionState
from backend.integrations.agents.remote import RemoteAgent
from backend.models import Campaign
from tests.agents.support import FakeOrchestrator, ManualClock, eventually, orchestrator_server
from tests.chat.conftest import collect, new_campaign


async def test_an_orchestrator_tool_call_is_approved_run_and_answered_across_a_reconnect(member):
    campaign_id = new_campaign(member)
    clock = ManualClock()

    async def script(fake: FakeOrchestrator, message: dict) -> None:
        turn = message["turn_id"]
        await fake.send({"type": "text", "turn_id": turn, "delta": "Pausing now. "})
        await fake.send({"type": "tool_call", "turn_id": turn, "call_id": "call-7", "name": "pause_campaign",
                         "arguments": {"campaign_id": campaign_id}})
        result = await fake.next_of_type("tool_result")
        data = json.loads(result["content"])["data"]
        await fake.send({"type": "text", "turn_id": turn, "delta": f"Now {data['status']}."})
        await fake.send({"type": "usage", "turn_id": turn, "model": "gemini-pro", "input_tokens": 1000,
                         "output_tokens": 200})
        await fake.send({"type": "final", "turn_id": turn})

    fake = FakeOrchestrator(on_user_message=script)
    async with orchestrator_server(fake) as (_, url):
        agent = RemoteAgent(url, user_id=member.id, service_token="t", clock=clock)
        session = await flow.open_session(member.id, agent=agent, clock=clock)
        turn = await session.send("pause my spring campaign")

        async def on_event(event):
            if isinstance(event, ToolCallUpdated) and event.call.status == "awaiting_approval":
                await fake.drop()  # the link goes down while the user decides
                await eventually(lambda: agent.status.state is ConnectionState.RECONNECTING, what="the drop")
                await clock.advance_to(clock.now() + 1)
                await eventually(lambda: agent.status.state is ConnectionState.CONNECTED, what="the reconnect")
                assert session.approve("call-7")

        events = await collect(turn, on_event)
        await session.close()

    assert turn.message.content == "Pausing now. Now paused."
    assert turn.message.credits_charged == "0.09"  # gemini-pro: 1000 x 0.05 / 1K + 200 x 0.2 / 1K
    assert [e.status.state for e in events if isinstance(e, StatusChanged)] == ["reconnecting", "reconnecting",
                                                                                "connected"]
    assert [e.call.status for e in events if isinstance(e, ToolCallUpdated)] == [
        "awaiting_approval", "running", "succeeded"]
    with unit_of_work() as db:
        assert db.get(Campaign, campaign_id).status == "paused"
    assert fake.of_type("tool_result")[0]["ok"] is True
    assert [h["resume"] for h in fake.hellos] == [False, True]
