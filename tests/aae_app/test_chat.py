"""ChatState through Reflex's real event pipeline (REFLEX_NOTES §7a): open the drawer (status and
history), a streamed reply with a background event, an approval card, stop, and 6011."""

from __future__ import annotations

from decimal import Decimal

import pytest
import reflex as rx

from aae_app.state.chat import ChatRow, ChatState, ToolCard
from backend.chat.sessions import sessions
from backend.db import unit_of_work
from backend.models import ChatMessage
from tests.factories import make_user


class Pipeline:
    """One browser tab: a client token, the websocket handshake, and what the socket would send."""

    def __init__(self, user_id: int, token: str) -> None:
        from reflex.istate.manager.memory import StateManagerMemory
        from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

        import aae_app.aae_app  # noqa: F401  (the App the processor routes through)
        from tests.aae_app.test_shell_support import signed_in_cookie

        self.token, self.user_id, self.sent, self.deltas = token, user_id, [], []
        pipeline = self

        class Namespace:
            async def emit_update(self, update, token):
                pipeline.sent.extend(update.events or [])
                pipeline.deltas.append(update.delta)

        self.manager = StateManagerMemory()
        self.processor = BaseStateEventProcessor().configure(state_manager=self.manager, event_namespace=Namespace())
        self.handshake = {"headers": {"cookie": signed_in_cookie(user_id), "user-agent": "pytest"},
                          "asPath": "/", "ip": "127.0.0.1"}

    def event(self, handler: str, state=ChatState, **payload):
        from reflex_base.event import Event

        return Event(name=f"{state.get_full_name()}.{handler}", router_data=self.handshake, payload=payload)

    async def run(self, handler: str, state=ChatState, **payload) -> list:
        """Run a handler and the events it chains to the end, collecting their deltas."""
        deltas = [d async for d in self.processor.enqueue_stream_delta(self.token, self.event(handler, state, **payload))]
        self.deltas.extend(deltas)
        return deltas

    async def start(self, handler: str, state=ChatState, **payload) -> None:
        """Enqueue without waiting for the chain (`open_chat` chains the long-lived status watcher)."""
        await self.processor.enqueue(self.token, self.event(handler, state, **payload))

    async def chat(self) -> ChatState:
        root = await self.manager.get_state(rx.BaseStateToken(ident=self.token, cls=ChatState))
        return root.get_substate(ChatState.get_full_name().split(".")[1:])

    def texts_streamed(self) -> list[str]:
        key = ChatState.get_full_name()
        return [d[key]["live_text_rx_state_"] for d in self.deltas
                if isinstance(d, dict) and "live_text_rx_state_" in d.get(key, {})]


async def wait_for(predicate, pipeline: Pipeline, timeout: float = 10.0):
    import asyncio

    for _ in range(int(timeout / 0.05)):
        chat = await pipeline.chat()
        if predicate(chat):
            return chat
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture()
def user(committed_engine):
    with unit_of_work() as session:
        return make_user(session, gifted=Decimal("50.00"))


async def _signed_in(user_id: int, token: str) -> Pipeline:
    from aae_app.state.auth import AuthState

    pipeline = Pipeline(user_id, token)
    await pipeline.processor.__aenter__()
    await pipeline.run("require_login", AuthState)
    return pipeline


async def _close(pipeline: Pipeline) -> None:
    await sessions.close(pipeline.user_id, pipeline.token)
    await pipeline.processor.__aexit__(None, None, None)


async def test_open_connects_streams_a_reply_and_keeps_history(user):
    pipeline = await _signed_in(user.id, "tok-chat-1")
    try:
        await pipeline.start("open_chat")
        chat = await wait_for(lambda c: c.conn_state == "connected", pipeline)
        assert chat.is_empty and chat.status_key == "chat.status.connected"
        await pipeline.run("send", form_data={"text": "what is my balance"})
        chat = await wait_for(lambda c: not c.streaming and len(c.messages) == 2, pipeline)
        user_row, answer = chat.messages
        assert isinstance(answer, ChatRow) and user_row.role == "user" and user_row.content == "what is my balance"
        assert "Your balance is 49.95" in answer.content and answer.status == "complete"
        assert isinstance(answer.tool_calls[0], ToolCard) and answer.tool_calls[0].status == "succeeded"
        streamed = pipeline.texts_streamed()
        assert len(streamed) > 3 and streamed[-2] in answer.content  # one delta per word, growing
        assert chat.conversation_id and chat.live_text == ""
    finally:
        await _close(pipeline)
    # Another tab (a reload): history of the latest conversation on open.
    other = await _signed_in(user.id, "tok-chat-2")
    try:
        await other.start("open_chat")
        chat = await wait_for(lambda c: len(c.messages) == 2, other)
        assert [m.role for m in chat.messages] == ["user", "assistant"] and "49.95" in chat.messages[1].content
        await other.run("new_conversation")
        assert (await other.chat()).is_empty
    finally:
        await _close(other)


async def test_destructive_call_waits_for_approval_and_reject_keeps_the_campaign(user):
    from tests.factories import bind_sandbox_accounts

    with unit_of_work() as session:
        from backend.models import User

        accounts = bind_sandbox_accounts(session, session.get(User, user.id))
    assert accounts
    pipeline = await _signed_in(user.id, "tok-chat-3")
    try:
        await pipeline.start("open_chat")
        await pipeline.run("send_text", text="list campaigns")
        chat = await wait_for(lambda c: not c.streaming and len(c.messages) == 2, pipeline)
        # "pause campaign" without a name asks which one or pauses the only active one.
        await pipeline.run("send_text", text="pause campaign")
        chat = await wait_for(lambda c: not c.streaming or any(
            card.status == "awaiting_approval" for card in c.live_cards), pipeline)
        if chat.streaming:
            card = next(c for c in chat.live_cards if c.status == "awaiting_approval")
            assert card.requires_approval and card.name == "pause_campaign"
            await pipeline.run("reject", call_id=card.id)
            chat = await wait_for(lambda c: not c.streaming, pipeline)
            assert chat.messages[-1].tool_calls[-1].status == "rejected"
        events = await pipeline.run("approve", call_id="nope")
        assert pipeline.sent  # a warning toast for a call that no longer waits
    finally:
        await _close(pipeline)


async def test_insufficient_credits_toasts_6011_and_stores_nothing(committed_engine):
    with unit_of_work() as session:
        broke = make_user(session, gifted=Decimal("0.00"))
    pipeline = await _signed_in(broke.id, "tok-chat-4")
    try:
        await pipeline.run("send_text", text="what is my balance")
        chat = await wait_for(lambda c: not c.streaming, pipeline)
        assert chat.messages == []
        scripts = " ".join(str(getattr(e, "payload", "")) for e in pipeline.sent)
        assert "6011" in scripts
        with unit_of_work() as session:
            from sqlmodel import select

            assert session.exec(select(ChatMessage).where(ChatMessage.user_id == broke.id)).first() is None
    finally:
        await _close(pipeline)
