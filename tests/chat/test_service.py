"""Chat history: persistence per user, conversations, replay to the model, fresh media URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from backend.chat import flow, service
from backend.chat.events import MessageStatus, ToolCallView
from backend.creatives import service as creatives
from backend.db import unit_of_work
from backend.errors import NotFound, ValidationFailed
from backend.integrations.agents.base import Final, Media, TextDelta, ToolCall, Usage
from backend.integrations.storage import BucketKind, LocalStorage, get_storage, verify_local_signature
from backend.models import ChatMessage
from tests.chat.conftest import ScriptedAgent, new_member
from tests.factories import make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class TestHistory:
    async def test_a_turn_survives_as_two_messages_and_is_replayed_to_the_model(self, member):
        key = f"creatives/{member.id}/generated.png"
        get_storage().put_bytes(BucketKind.CREATIVES, key, PNG, "image/png")
        first = ScriptedAgent(TextDelta("Checking. "), ToolCall("c1", "get_credit_balance", {}),
                              TextDelta("You have credits."), Media("image", key=key, caption="banner"),
                              Usage("gemini-flash", 100, 20), Final())
        session = await flow.open_session(member.id, agent=first)
        turn = await session.send("What's my balance?")
        await turn.wait()

        with unit_of_work() as db:
            history = service.load_history(db, member.id, turn.conversation_id)
            assert service.latest_conversation_id(db, member.id) == turn.conversation_id
            [conversation] = service.list_conversations(db, member.id)
        user, assistant = history
        assert (user.role, user.content, user.status) == ("user", "What's my balance?", "complete")
        assert (assistant.role, assistant.status) == ("assistant", "complete")
        assert assistant.content == "Checking. You have credits."
        [card] = assistant.tool_calls
        assert (card.name, card.status, card.title) == ("get_credit_balance", "succeeded", "Get credit balance")
        assert card.summary.startswith("balance ")
        [media] = assistant.media
        assert (media.kind, media.key, media.caption) == ("image", key, "banner") and media.url
        assert (conversation.id, conversation.title, conversation.message_count) == (
            turn.conversation_id, "What's my balance?", 2)

        second = ScriptedAgent(TextDelta("Still the same."), Final())
        session.agent = second  # the next turn's agent sees the first turn as history
        session.turn = None
        await (await session.send("And now?", conversation_id=turn.conversation_id)).wait()
        replay = second.requests[0].history
        assert [m["role"] for m in replay] == ["user", "assistant", "tool", "assistant"]
        assert replay[1]["tool_calls"][0]["function"] == {"name": "get_credit_balance", "arguments": "{}"}
        assert replay[2]["tool_call_id"] == "c1" and '"status": "success"' in replay[2]["content"]
        assert replay[3] == {"role": "assistant", "content": "Checking. You have credits."}

    async def test_history_is_per_user(self, member):
        other = new_member()
        session = await flow.open_session(member.id, agent=ScriptedAgent(TextDelta("secret"), Final()))
        turn = await session.send("mine")
        message = await turn.wait()
        with unit_of_work() as db:
            assert service.load_history(db, other.id, turn.conversation_id) == []
            assert service.list_conversations(db, other.id) == []
            with pytest.raises(NotFound):
                service.get_owned_or_raise(db, other.id, message.id)

    def test_conversation_ids_are_checked(self, session):
        assert len(service.new_conversation_id()) == 36
        with pytest.raises(ValidationFailed):
            service.load_history(session, 1, "../../etc")

    def test_a_reply_still_streaming_is_not_replayed(self, session):
        user = make_user(session)
        service.start_turn(session, user_id=user.id, conversation_id="c-1", text="hi")
        assert service.agent_history(session, user.id, "c-1") == [{"role": "user", "content": "hi"}]


class TestFreshMediaUrls:
    def test_each_load_signs_a_new_url_and_only_the_key_is_stored(self, session, tmp_path):
        user = make_user(session)
        key = f"creatives/{user.id}/video.mp4"
        _, assistant = service.start_turn(session, user_id=user.id, conversation_id="c-2", text="video please")
        service.finish_turn(session, user_id=user.id, message_id=assistant.id, content="Here it is.",
                            status=MessageStatus.COMPLETE, tool_calls=[], credits_charged=Decimal("0.10"),
                            media=[{"kind": "video", "key": key, "mime_type": "video/mp4", "caption": None}])
        assert session.get(ChatMessage, assistant.id).media == [
            {"kind": "video", "key": key, "mime_type": "video/mp4", "caption": None}]

        monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        urls = []
        for now in (monday, monday + timedelta(days=3)):  # a reload days later, after the first link expired
            storage = LocalStorage(tmp_path, base_url="http://app.test", clock=lambda now=now: now)
            [_, loaded] = service.load_history(session, user.id, "c-2", storage=storage)
            urls.append(loaded.media[0].url)
        first, later = (parse_qs(urlsplit(u).query) for u in urls)
        assert urls[0] != urls[1]
        assert not verify_local_signature("creatives", key, expires=first["expires"][0],
                                          signature=first["signature"][0], now=monday + timedelta(days=3))
        assert verify_local_signature("creatives", key, expires=later["expires"][0],
                                      signature=later["signature"][0], now=monday + timedelta(days=3))


class TestResolveMedia:
    def test_only_the_users_own_objects_and_creatives(self, session):
        owner, stranger = make_user(session), make_user(session)
        creative = creatives.create_from_bytes(session, user_id=owner.id, data=PNG, name="Banner")
        own_key = f"creatives/{owner.id}/x.png"
        assert service.resolve_media(session, user_id=owner.id, kind="image", key=own_key)["key"] == own_key
        assert service.resolve_media(session, user_id=owner.id, kind="image", creative_id=creative.id) == {
            "kind": "image", "key": creative.storage_key, "mime_type": "image/png", "caption": None}
        assert service.resolve_media(session, user_id=stranger.id, kind="image", creative_id=creative.id) is None
        assert service.resolve_media(session, user_id=stranger.id, kind="image", key=own_key) is None
        assert service.resolve_media(session, user_id=owner.id, kind="image", key=f"creatives/{owner.id}/../x") is None
        assert service.resolve_media(session, user_id=owner.id, kind="audio", key=own_key) is None


def test_a_card_keeps_its_result_cut_to_size():
    card = ToolCallView(id="c", name="list_creatives", title="List creatives", arguments={})
    stored = service.stored_card(card, {"items": ["x" * 100] * 200})
    assert stored["result"]["truncated"] is True and len(stored["result"]["preview"]) == service.RESULT_CHARS
    assert service.stored_card(card, {"ok": True})["result"] == {"ok": True}


def test_rows_are_plain_chat_messages(session):
    user = make_user(session)
    service.start_turn(session, user_id=user.id, conversation_id="c-3", text="hello")
    rows = session.exec(select(ChatMessage).where(ChatMessage.user_id == user.id)).all()
    assert [(r.role, r.status) for r in rows] == [("user", "complete"), ("assistant", "streaming")]


class TestRecovery:
    def test_turns_interrupted_long_ago_are_closed_and_their_holds_refunded(self, session):
        from backend.chat import billing
        from backend.credits import service as credits
        from backend.models import CreditHold

        user = make_user(session, gifted="10.00")
        long_ago = datetime.now(UTC) - timedelta(hours=2)
        for turn in ("old", "new"):
            billing.reserve_for_turn(session, user_id=user.id, turn_id=turn, model="demo", prompt_tokens=10)
            _, row = service.start_turn(session, user_id=user.id, conversation_id=f"c-{turn}", text="hi")
            if turn == "old":
                row.created_at = long_ago
                session.exec(select(CreditHold).where(CreditHold.operation_id == "chat:old")).one().created_at = \
                    long_ago
        session.flush()

        closed = service.recover_interrupted_turns(session, older_than=datetime.now(UTC) - timedelta(hours=1))

        assert closed == 1
        session.expire_all()
        statuses = {r.conversation_id: r.status for r in session.exec(
            select(ChatMessage).where(ChatMessage.user_id == user.id, ChatMessage.role == "assistant"))}
        assert statuses == {"c-old": "error", "c-new": "streaming"}
        holds = {h.operation_id: h.status for h in session.exec(select(CreditHold).where(
            CreditHold.user_id == user.id)).all()}
        assert holds == {"chat:old": "released", "chat:new": "held"}
        assert credits.get_balance(session, user.id).total == Decimal("10.00") - billing.estimate(
            session, model="demo", prompt_tokens=10)
