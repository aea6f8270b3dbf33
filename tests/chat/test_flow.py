"""A chat turn end to end: credits, tool calls and approvals, stop, errors, media."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import col, select

from backend.chat import flow
from backend.chat.events import MediaAdded, TextAdded, ToolCallUpdated, TurnError, TurnFinished, TurnStarted
from backend.credits import service as credits
from backend.db import unit_of_work
from backend.errors import Conflict, InsufficientCredits, ValidationFailed
from backend.integrations.agents.base import AgentError, Final, Media, TextDelta, ToolCall, Usage
from backend.integrations.storage import BucketKind, get_storage
from backend.models import AuditLog, Campaign, ChatMessage, CreditHold, LandingPage, Notification
from tests.agents.support import ManualClock
from tests.chat.conftest import Member, ScriptedAgent, collect, forever, new_campaign, new_member


def balance(member: Member) -> Decimal:
    with unit_of_work() as session:
        return credits.get_balance(session, member.id).total


def holds(member: Member) -> list[CreditHold]:
    with unit_of_work() as session:
        return list(session.exec(select(CreditHold).where(CreditHold.user_id == member.id)))


def audits(member: Member) -> list[AuditLog]:
    with unit_of_work() as session:
        return list(session.exec(select(AuditLog).where(AuditLog.user_id == member.id, col(AuditLog.action).like(
            "agent.%")).order_by(col(AuditLog.id))))


def cards(events) -> list[tuple[str, str]]:
    return [(e.call.name, e.call.status) for e in events if isinstance(e, ToolCallUpdated)]


class TestCredits:
    async def test_an_insufficient_balance_stops_the_turn_with_6011_before_any_model_call(self, committed_engine):
        poor = new_member(gifted="0.00", purchased="0.00")
        agent = ScriptedAgent(TextDelta("never"), Final())
        session = await flow.open_session(poor.id, agent=agent)
        with pytest.raises(InsufficientCredits) as refused:
            await session.send("What's my balance?")
        assert refused.value.code == "6011"
        assert agent.requests == []
        assert session.turn is None
        with unit_of_work() as db:
            assert db.exec(select(ChatMessage).where(ChatMessage.user_id == poor.id)).all() == []
        assert holds(poor) == []

    async def test_tokens_are_reserved_then_settled_at_the_configs_rates(self, member):
        agent = ScriptedAgent(TextDelta("Hello"), Usage("gemini-pro", 2000, 500), Final())
        session = await flow.open_session(member.id, agent=agent)
        turn = await session.send("Hi")
        [hold] = holds(member)
        assert hold.status == "held" and hold.amount_held > 0
        events = await collect(turn)
        # gemini-pro: 2000 x 0.05 / 1K + 500 x 0.2 / 1K = 0.10 + 0.10
        assert turn.message is not None and turn.message.credits_charged == "0.20"
        [hold] = holds(member)
        assert hold.status == "settled" and hold.actual_amount == Decimal("0.20")
        assert balance(member) == Decimal("99.80")
        assert isinstance(events[0], TurnStarted) and isinstance(events[-1], TurnFinished)

    async def test_without_reported_usage_the_tokens_are_estimated(self, member):
        session = await flow.open_session(member.id, agent=ScriptedAgent(TextDelta("word " * 400), Final()))
        message = await (await session.send("Hi")).wait()
        # ~500 output tokens at the flash rate (0.04 / 1K) plus a few prompt tokens
        assert Decimal(message.credits_charged) == Decimal("0.03")
        assert balance(member) == Decimal("99.97")

    async def test_property_34_a_chat_charge_crossing_the_critical_threshold_notifies(self, committed_engine):
        """Property 34 (chat): the charge that takes the balance below the critical threshold
        sends the urgent low-balance notification."""
        near = new_member(gifted="10.02", purchased="0.00")
        agent = ScriptedAgent(TextDelta("ok"), Usage("gemini-pro", 10_000, 1_000), Final())
        session = await flow.open_session(near.id, agent=agent)
        await (await session.send("Hi")).wait()
        with unit_of_work() as db:
            alerts = db.exec(select(Notification).where(Notification.user_id == near.id)).all()
        assert [a.type for a in alerts] == ["urgent"]
        assert alerts[0].meta["kind"] == "low_balance"


class TestToolCalls:
    async def test_a_read_only_tool_runs_at_once_through_the_mcp_path(self, member):
        agent = ScriptedAgent(ToolCall("c1", "get_credit_balance", {}), TextDelta("done"), Final())
        session = await flow.open_session(member.id, agent=agent)
        turn = await session.send("balance?")
        events = await collect(turn)
        assert cards(events) == [("get_credit_balance", "running"), ("get_credit_balance", "succeeded")]
        [result] = agent.results
        assert result.ok and Decimal(result.data["total"]) < Decimal("100.00")  # the hold is already taken
        assert audits(member) == []

    async def test_a_pause_waits_for_approval_then_runs_and_is_audited(self, member):
        campaign_id = new_campaign(member)
        agent = ScriptedAgent(ToolCall("c1", "pause_campaign", {"campaign_id": campaign_id}), TextDelta("ok"),
                              Final())
        session = await flow.open_session(member.id, agent=agent)
        turn = await session.send("pause it")

        def approve(event):
            if isinstance(event, ToolCallUpdated) and event.call.status == "awaiting_approval":
                with unit_of_work() as db:
                    assert db.get(Campaign, campaign_id).status == "active"  # nothing ran yet
                assert flow.approve_tool_call(member.id, "c1")

        events = await collect(turn, approve)
        assert cards(events) == [("pause_campaign", "awaiting_approval"), ("pause_campaign", "running"),
                                 ("pause_campaign", "succeeded")]
        with unit_of_work() as db:
            assert db.get(Campaign, campaign_id).status == "paused"
        [entry] = audits(member)
        assert entry.action == "agent.tool_approved"
        assert entry.details["tool"] == "pause_campaign" and entry.details["status"] == "succeeded"
        assert entry.details["arguments"] == {"campaign_id": campaign_id}
        assert turn.message.tool_calls[0].requires_approval is True

    async def test_a_rejected_call_does_not_run_and_the_agent_is_told(self, member):
        campaign_id = new_campaign(member)
        agent = ScriptedAgent(ToolCall("c2", "pause_campaign", {"campaign_id": campaign_id}), Final())
        session = await flow.open_session(member.id, agent=agent)
        turn = await session.send("pause it")

        def reject(event):
            if isinstance(event, ToolCallUpdated) and event.call.status == "awaiting_approval":
                assert session.reject("c2", "not now")

        events = await collect(turn, reject)
        assert cards(events)[-1] == ("pause_campaign", "rejected")
        with unit_of_work() as db:
            assert db.get(Campaign, campaign_id).status == "active"
        [result] = agent.results
        assert result.rejected and "not now" in result.error["message"]
        [entry] = audits(member)
        assert entry.action == "agent.tool_rejected" and entry.details["call_id"] == "c2"

    async def test_an_unanswered_approval_expires_as_a_rejection(self, member):
        clock = ManualClock()
        agent = ScriptedAgent(ToolCall("c3", "delete_creative", {"creative_id": 1}), Final())
        session = await flow.open_session(member.id, agent=agent, clock=clock, approval_timeout=600)
        turn = await session.send("delete it")
        await clock.advance_to(clock.now() + 600)
        events = await collect(turn)
        assert cards(events)[-1] == ("delete_creative", "rejected")
        assert "no answer in time" in agent.results[0].error["message"]
        assert flow.approve_tool_call(member.id, "c3") is False  # nothing waits any more

    async def test_a_paid_tool_needs_approval_and_its_charge_is_on_the_card(self, member):
        agent = ScriptedAgent(ToolCall("c4", "create_landing_page", {
            "name": "Shoes", "product_url": "https://shop.example.com/shoes"}), Final())
        session = await flow.open_session(member.id, agent=agent)
        turn = await session.send("landing page please")
        await collect(turn, lambda e: isinstance(e, ToolCallUpdated) and e.call.status == "awaiting_approval"
                      and session.approve("c4"))
        card = turn.message.tool_calls[0]
        assert card.status == "succeeded" and card.credits_charged == "15.00"
        assert Decimal(turn.message.credits_charged) >= Decimal("15.00")
        with unit_of_work() as db:
            assert db.exec(select(LandingPage).where(LandingPage.user_id == member.id)).one().status == "draft"

    @pytest.mark.parametrize("call, code", [
        (ToolCall("c5", "no_such_tool", {}), "3001"),
        (ToolCall("c6", "deduct_credits", {"operation_id": "x", "amount": "5"}), "3001"),  # not offered in chat
        (ToolCall("c7", "get_credit_balance", None, raw_arguments="{oops"), "3002"),
        (ToolCall("c8", "pause_campaign", {"campaign_id": "abc"}), None),  # approved, then 3002 from execute
    ])
    async def test_calls_that_cannot_run_fail_on_their_card(self, member, call, code):
        agent = ScriptedAgent(call, Final())
        session = await flow.open_session(member.id, agent=agent)
        turn = await session.send("do it")
        await collect(turn, lambda e: isinstance(e, ToolCallUpdated) and e.call.status == "awaiting_approval"
                      and session.approve(call.id))
        card = turn.message.tool_calls[0]
        assert card.status == "failed"
        assert card.error["code"] == (code or "3002")
        assert agent.results[0].ok is False
        assert balance(member) > Decimal(99)  # nothing but tokens charged


class TestStopAndErrors:
    async def test_stop_keeps_what_arrived_and_settles_for_it(self, member):
        agent = ScriptedAgent(TextDelta("partial "), forever(), TextDelta("never"), Final())
        session = await flow.open_session(member.id, agent=agent)
        turn = await session.send("tell me a long story")
        events = await collect(turn, lambda e: isinstance(e, TextAdded) and session.stop())
        assert turn.message.status == "stopped" and turn.message.content == "partial "
        assert agent.cancelled == [turn.id]
        assert [h.status for h in holds(member)] == ["settled"]
        assert isinstance(events[-1], TurnFinished)

    async def test_stopping_while_a_call_waits_for_approval_rejects_it(self, member):
        agent = ScriptedAgent(ToolCall("c9", "delete_creative", {"creative_id": 1}), Final())
        session = await flow.open_session(member.id, agent=agent)
        turn = await session.send("delete it")
        await collect(turn, lambda e: isinstance(e, ToolCallUpdated) and e.call.status == "awaiting_approval"
                      and session.stop())
        [card] = turn.message.tool_calls
        assert (card.status, turn.message.status) == ("rejected", "stopped")
        assert "stopped" in card.error["message"]
        assert [a.action for a in audits(member)] == ["agent.tool_rejected"]
        assert flow.approve_tool_call(member.id, "c9") is False

    async def test_an_agent_error_before_any_output_releases_the_hold(self, member):
        agent = ScriptedAgent(AgentError("2000", "The agent service is unreachable"))
        session = await flow.open_session(member.id, agent=agent)
        events = await collect(await session.send("hi"))
        assert [type(e) for e in events] == [TurnStarted, TurnError, TurnFinished]
        assert events[1].error["code"] == "2000"
        assert events[-1].message.status == "error"
        assert [h.status for h in holds(member)] == ["released"]
        assert balance(member) == Decimal("100.00")

    async def test_an_agent_that_crashes_ends_in_error_not_a_hang(self, member):
        agent = ScriptedAgent(TextDelta("a"), RuntimeError("boom"))
        session = await flow.open_session(member.id, agent=agent)
        events = await collect(await session.send("hi"))
        assert isinstance(events[-2], TurnError) and events[-2].error["code"] == "5002"
        assert events[-1].message.status == "error" and events[-1].message.content == "a"

    async def test_one_reply_at_a_time_per_session(self, member):
        session = await flow.open_session(member.id, agent=ScriptedAgent(forever()))
        turn = await session.send("first")
        with pytest.raises(Conflict):
            await session.send("second")
        assert flow.stop_turn(member.id, turn.id)
        await turn.wait()
        await session.close()

    @pytest.mark.parametrize("text", ["", "   ", "x" * 8001])
    async def test_empty_or_oversized_messages_are_refused(self, member, text):
        session = await flow.open_session(member.id, agent=ScriptedAgent(Final()))
        with pytest.raises(ValidationFailed):
            await session.send(text)


class TestMedia:
    async def test_media_keep_their_key_and_get_a_signed_url_others_media_are_dropped(self, member):
        own = f"creatives/{member.id}/clip.mp4"
        get_storage().put_bytes(BucketKind.CREATIVES, own, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32, "video/mp4")
        agent = ScriptedAgent(Media("video", key=own, caption="clip"), Media("image", key="creatives/1/other.png"),
                              Media("image", key="../etc/passwd"), Final())
        session = await flow.open_session(member.id, agent=agent)
        events = await collect(await session.send("make a video"))
        [added] = [e for e in events if isinstance(e, MediaAdded)]
        assert added.media.key == own and "signature=" in added.media.url
        assert [m.key for m in events[-1].message.media] == [own]


class TestSessions:
    async def test_the_registry_keeps_one_session_per_key_and_reconnects_a_failed_one(self, member):
        from backend.chat.sessions import SessionRegistry

        registry = SessionRegistry()
        first = await registry.open(member.id, "tab-1", agent_factory=lambda uid: ScriptedAgent(Final()))
        assert await registry.open(member.id, "tab-1") is first
        assert registry.get(member.id, "tab-2") is None
        await first.agent.close()
        assert (await registry.open(member.id, "tab-1")).status.state == "connected"
        await registry.close(member.id, "tab-1")
        assert registry.get(member.id, "tab-1") is None
        assert first.status.state == "closed"

    async def test_watch_status_reports_the_current_state_then_changes_until_closed(self, member):
        import asyncio

        session = await flow.open_session(member.id, agent=ScriptedAgent(Final()))
        seen: list[str] = []

        async def watch() -> None:
            async for status in session.watch_status():
                seen.append(status.state)

        watcher = asyncio.create_task(watch())
        await asyncio.sleep(0)
        await session.close()
        await asyncio.wait_for(watcher, 5)
        assert seen == ["connected", "closed"]
