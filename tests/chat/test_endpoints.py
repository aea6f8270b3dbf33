"""`WS /ws/chat` with real WebSocket clients against create_api() under uvicorn."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import simple_websocket

from backend.api import create_api
from backend.auth.tokens import create_access_token
from backend.chat.endpoints import SocketOptions, socket_options
from backend.db import unit_of_work
from backend.integrations.agents.base import TextDelta
from backend.integrations.agents.demo import DemoAgent
from backend.integrations.agents.transport import ConnectionClosed, WsprotoConnection, connect
from backend.models import Campaign
from tests.agents.support import ManualClock, serve
from tests.chat.conftest import Member, ScriptedAgent, forever, new_campaign, new_member


class Chat:
    """The app under uvicorn with a manual clock and a swappable agent."""

    def __init__(self, address: str, clock: ManualClock) -> None:
        self.address = address
        self.clock = clock
        self.agent = lambda user_id: DemoAgent(word_delay=0)

    def url(self, token: str | None = None) -> str:
        return f"ws://{self.address}/ws/chat" + (f"?token={token}" if token else "")

    async def open(self, member: Member, **kwargs: Any) -> WsprotoConnection:
        socket = await connect(self.url(create_access_token(member.id)), **kwargs)
        ready = await receive(socket)
        assert ready["type"] == "ready"
        return socket  # type: ignore[return-value]


@pytest.fixture()
async def chat(committed_engine):
    clock = ManualClock()
    app = create_api()
    async with serve(app) as address:
        holder = Chat(address, clock)
        app.dependency_overrides[socket_options] = lambda: SocketOptions(
            clock=clock, agent_factory=lambda user_id: holder.agent(user_id))
        yield holder


async def receive(socket: Any) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(socket.receive_text(), 10))


async def send(socket: Any, message: dict[str, Any]) -> None:
    await socket.send_text(json.dumps(message))


async def until(socket: Any, kind: str) -> list[dict[str, Any]]:
    """Every message up to and including the first of type `kind`."""
    seen = []
    while True:
        message = await receive(socket)
        seen.append(message)
        if message["type"] == kind:
            return seen


class TestAuthentication:
    async def test_a_query_token_then_a_streamed_answer(self, chat, member):
        socket = await connect(chat.url(create_access_token(member.id)))
        ready = await receive(socket)
        assert ready["user_id"] == member.id and ready["conversation_id"] is None
        assert ready["status"]["state"] == "connected" and ready["status"]["agent"] == "demo"
        assert ready["heartbeat"] == {"interval": 30.0, "timeout": 60.0}
        await send(socket, {"type": "message", "text": "What's my balance?"})
        messages = await until(socket, "final")
        assert messages[0]["type"] == "turn_started"
        assert messages[0]["user_message"]["content"] == "What's my balance?"
        assert [m["call"]["status"] for m in messages if m["type"] == "tool_call"] == ["running", "succeeded"]
        text = "".join(m["delta"] for m in messages if m["type"] == "text")
        final = messages[-1]["message"]
        assert text.startswith("Your balance is") and final["content"] == text and final["status"] == "complete"
        assert final["id"] == messages[0]["assistant_message_id"]
        await socket.close()

    @pytest.mark.parametrize("how", ["first_message", "header"])
    async def test_the_token_in_a_first_message_or_a_bearer_header(self, chat, member, how):
        token = create_access_token(member.id)
        if how == "header":
            socket = await connect(chat.url(), {"Authorization": f"Bearer {token}"})
        else:
            socket = await connect(chat.url())
            await send(socket, {"type": "auth", "token": token})
        assert (await receive(socket))["user_id"] == member.id
        await socket.close()

    @pytest.mark.parametrize("token", ["not-a-jwt", None])
    async def test_a_bad_or_missing_token_is_1002_and_the_socket_closes(self, chat, token):
        socket = await connect(chat.url(token))
        if token is None:
            await send(socket, {"type": "message", "text": "hi"})
        error = await receive(socket)
        assert error["type"] == "error" and error["error"]["code"] == "1002"
        with pytest.raises(ConnectionClosed):
            await receive(socket)
        assert socket.close_code == 4401

    async def test_no_token_within_10_seconds_is_1002(self, chat):
        socket = await connect(chat.url())
        await chat.clock.advance_to(chat.clock.now() + 10)
        error = await receive(socket)
        assert error["error"]["code"] == "1002" and error["error"]["details"]["reason"] == "timeout"
        with pytest.raises(ConnectionClosed):
            await receive(socket)


class TestConversation:
    async def test_approve_a_pause_over_the_socket(self, chat, member):
        campaign_id = new_campaign(member)
        socket = await chat.open(member)
        await send(socket, {"type": "message", "text": f"pause campaign {campaign_id}"})
        proposed = (await until(socket, "tool_call"))[-1]["call"]
        assert proposed["status"] == "awaiting_approval" and proposed["requires_approval"] is True
        assert proposed["arguments"] == {"campaign_id": campaign_id}
        await send(socket, {"type": "approve", "call_id": "nope"})
        assert (await receive(socket))["error"]["code"] == "5000"
        await send(socket, {"type": "approve", "call_id": proposed["id"]})
        messages = await until(socket, "final")
        assert [m["call"]["status"] for m in messages if m["type"] == "tool_call"] == ["running", "succeeded"]
        assert messages[-1]["message"]["content"] == f'Paused campaign #{campaign_id} "Spring sale".'
        with unit_of_work() as db:
            assert db.get(Campaign, campaign_id).status == "paused"
        await socket.close()

    async def test_history_and_conversations_after_a_turn(self, chat, member):
        socket = await chat.open(member)
        await send(socket, {"type": "message", "text": "list my campaigns"})
        final = (await until(socket, "final"))[-1]
        await send(socket, {"type": "history"})
        history = await receive(socket)
        assert history["conversation_id"] == final["message"]["conversation_id"]
        assert [m["role"] for m in history["messages"]] == ["user", "assistant"]
        assert history["messages"][1] == final["message"]
        await send(socket, {"type": "conversations"})
        [conversation] = (await receive(socket))["conversations"]
        assert conversation["title"] == "list my campaigns" and conversation["message_count"] == 2
        await socket.close()

    async def test_stop_a_running_reply(self, chat, member):
        chat.agent = lambda user_id: ScriptedAgent(TextDelta("partial"), forever())
        socket = await chat.open(member)
        await send(socket, {"type": "message", "text": "a long story"})
        await until(socket, "text")
        await send(socket, {"type": "stop"})
        final = (await until(socket, "final"))[-1]["message"]
        assert (final["status"], final["content"]) == ("stopped", "partial")
        await socket.close()

    async def test_6011_stops_the_message_before_any_model_call(self, chat, committed_engine):
        poor = new_member(gifted="0.00", purchased="0.00")
        socket = await chat.open(poor)
        await send(socket, {"type": "message", "text": "hi"})
        error = await receive(socket)
        assert error["type"] == "error" and error["error"]["code"] == "6011"
        assert error["error"]["details"]["recharge_url"]
        await send(socket, {"type": "ping"})
        assert (await receive(socket))["type"] == "pong"  # nothing else was sent: no turn started
        await socket.close()

    @pytest.mark.parametrize("frame, code", [("not json", "4000"), ('["a list"]', "4000"),
                                             ('{"type": "dance"}', "4000"), ('{"type": "message"}', "4000")])
    async def test_bad_messages_get_an_error_and_the_socket_stays(self, chat, member, frame, code):
        socket = await chat.open(member)
        await socket.send_text(frame)
        assert (await receive(socket))["error"]["code"] == code
        await send(socket, {"type": "ping"})
        assert (await receive(socket)) == {"type": "pong"}
        await socket.close()

    async def test_an_independent_client_library(self, chat, member):
        """simple-websocket (a different client implementation) sees the same protocol."""
        url = chat.url(create_access_token(member.id))

        def talk() -> list[dict[str, Any]]:
            client = simple_websocket.Client.connect(url)
            try:
                seen = [json.loads(client.receive(timeout=10))]
                client.send(json.dumps({"type": "message", "text": "我的余额"}))
                while seen[-1]["type"] != "final":
                    seen.append(json.loads(client.receive(timeout=10)))
                return seen
            finally:
                client.close()

        seen = await asyncio.to_thread(talk)
        assert seen[0]["type"] == "ready" and seen[-1]["message"]["content"].startswith("您的积分余额为")


class TestHeartbeat:
    async def test_property_14_the_server_pings_every_30_seconds_and_closes_after_60_without_pong(
            self, chat, member):
        """Property 14 (/ws/chat): the server sends a ping every 30 s; a pong keeps the socket
        open; 60 s after the last pong it sends HeartbeatTimeout (2004) and closes (4408)."""
        socket = await chat.open(member)
        start = chat.clock.now()
        await chat.clock.advance_to(start + 30)
        assert await receive(socket) == {"type": "ping"}
        await send(socket, {"type": "pong"})
        await send(socket, {"type": "ping"})  # its answer proves the server has read the pong
        assert await receive(socket) == {"type": "pong"}
        await chat.clock.advance_to(start + 60)
        assert await receive(socket) == {"type": "ping"}  # not answered this time
        await chat.clock.advance_to(start + 90)
        error = await receive(socket)
        assert error["type"] == "error" and error["error"]["code"] == "2004"
        with pytest.raises(ConnectionClosed):
            await receive(socket)
        assert socket.close_code == 4408
