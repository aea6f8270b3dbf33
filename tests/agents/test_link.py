"""The orchestrator link against a fake orchestrator over real WebSockets (Properties 13–16).

Time is a ManualClock: `advance_to(t)` waits until the link sleeps until exactly `t`, so each
step also asserts when the link wanted to act (ping at +30 s, backoff 1 s, 2 s, 4 s...).
"""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.chat import flow
from backend.errors import ConnectionFailed, ConnectionTimeout, MessageQueueFull
from backend.integrations.agents.base import AgentStatus, ConnectionState
from backend.integrations.agents.link import OrchestratorLink
from backend.integrations.agents.remote import RemoteAgent
from backend.integrations.agents.transport import connect
from tests.agents.support import ManualClock, MemoryOrchestrator, eventually, orchestrator_server


def _hello(resume: bool) -> dict:
    return {"type": "hello", "protocol": 1, "session_id": "s1", "user_id": 7, "resume": resume}


def recording_connector(clock: ManualClock, times: list[float]):
    async def connector(url, headers):
        times.append(clock.now())
        return await connect(url, headers)

    return connector


@pytest.fixture()
async def orchestrator():
    async with orchestrator_server() as (fake, url):
        yield fake, url


@pytest.fixture()
def clock() -> ManualClock:
    return ManualClock()


async def _connected_link(url: str, clock: ManualClock, statuses: list[AgentStatus] | None = None,
                          attempts: list[float] | None = None) -> OrchestratorLink:
    link = OrchestratorLink(url, hello=_hello, clock=clock, connector=recording_connector(clock, attempts if attempts is not None else []),
                            on_status=(statuses.append if statuses is not None else None))
    status = await link.start()
    assert status.state is ConnectionState.CONNECTED
    return link


class TestConnection:
    async def test_property_13_opening_a_chat_session_connects_the_agent_and_reports_its_status(
            self, orchestrator, clock):
        """Property 13: opening a chat session establishes the agent's WebSocket connection and
        reports its status (connecting, then connected) to the session's listeners."""
        fake, url = orchestrator
        agent = RemoteAgent(url, user_id=42, service_token="svc-token", clock=clock)
        seen: list[AgentStatus] = []
        agent.add_status_listener(seen.append)

        session = await flow.open_session(42, agent=agent, clock=clock)
        try:
            assert [s.state for s in seen] == [ConnectionState.CONNECTING, ConnectionState.CONNECTED]
            assert session.status.state is ConnectionState.CONNECTED
            assert session.status.to_dict()["state"] == "connected"
            hello = fake.hellos[0]
            assert hello == {"type": "hello", "protocol": 1, "session_id": agent.session_id, "user_id": 42,
                             "resume": False}
            assert fake.headers[0]["authorization"] == "Bearer svc-token"
            assert fake.headers[0]["x-aae-user-id"] == "42"
        finally:
            await session.close()
        assert session.status.state is ConnectionState.CLOSED

    async def test_property_13_an_unreachable_orchestrator_is_reported_as_failed_with_2000(self, orchestrator, clock):
        """Property 13: when the connection cannot be established the session reports each
        attempt and finally the failure, with the error code the user sees (2000)."""
        fake, url = orchestrator
        fake.refuse = True
        agent = RemoteAgent(url, user_id=42, service_token="t", clock=clock)
        seen: list[AgentStatus] = []
        agent.add_status_listener(seen.append)
        start = clock.now()
        opening = asyncio.create_task(flow.open_session(42, agent=agent, clock=clock))
        for at in (start + 1, start + 3, start + 7):
            await clock.advance_to(at)
        session = await opening
        try:
            assert [(s.state, s.attempt) for s in seen] == [
                (ConnectionState.CONNECTING, 0), (ConnectionState.RECONNECTING, 1),
                (ConnectionState.RECONNECTING, 2), (ConnectionState.RECONNECTING, 3), (ConnectionState.FAILED, 0)]
            assert session.status.error["code"] == "2000"
            assert fake.attempts == 4
        finally:
            await session.close()


class TestHeartbeat:
    async def test_property_14_pings_every_30_seconds_while_pongs_come_back(self, orchestrator, clock):
        """Property 14: the link sends a ping every 30 s; answered pings keep it connected."""
        fake, url = orchestrator
        link = await _connected_link(url, clock)
        start = clock.now()
        try:
            for n in range(1, 7):
                await clock.advance_to(start + 30 * n)
                await eventually(lambda n=n: fake.pings == n, what=f"ping {n}")
                await eventually(lambda: link.last_pong == clock.now(), what="the pong")
            assert link.state is ConnectionState.CONNECTED
            assert fake.attempts == 1
        finally:
            await link.close()

    async def test_property_14_no_pong_for_60_seconds_means_the_connection_is_dead(self, orchestrator, clock):
        """Property 14: without a pong the connection is declared dead 60 s after connecting
        (HeartbeatTimeout, 2004, reported while reconnecting)."""
        fake, url = orchestrator
        fake.answer_pings = False
        statuses: list[AgentStatus] = []
        link = await _connected_link(url, clock, statuses)
        start = clock.now()
        try:
            await clock.advance_to(start + 30)
            await eventually(lambda: fake.pings == 1, what="the first ping")
            await clock.advance_to(start + 60)
            await eventually(lambda: link.state is ConnectionState.RECONNECTING, what="the reconnect")
            reconnecting = [s for s in statuses if s.state is ConnectionState.RECONNECTING]
            assert reconnecting[-1].error["code"] == "2004"
            assert fake.pings == 1  # the 60 s tick found it dead instead of pinging again
        finally:
            await link.close()

    async def test_property_14_a_late_pong_keeps_it_alive_and_the_deadline_runs_from_the_last_pong(
            self, orchestrator, clock):
        """Property 14: a pong 45 s in is in time; the connection then dies 60 s after that
        pong (at 105 s), not 60 s after the first unanswered ping."""
        fake, url = orchestrator
        fake.answer_pings = False
        statuses: list[AgentStatus] = []
        link = await _connected_link(url, clock, statuses)
        start = clock.now()
        try:
            await clock.advance_to(start + 30)
            await eventually(lambda: fake.pings == 1, what="ping 1")
            await clock.advance(15)
            await fake.pong()
            await eventually(lambda: link.last_pong == start + 45, what="the late pong")
            await clock.advance_to(start + 60)
            await eventually(lambda: fake.pings == 2, what="ping 2")
            await clock.advance_to(start + 90)
            await eventually(lambda: fake.pings == 3, what="ping 3")
            assert link.state is ConnectionState.CONNECTED
            await clock.advance_to(start + 105)
            await eventually(lambda: link.state is ConnectionState.RECONNECTING, what="the heartbeat timeout")
            assert statuses[-1].error["code"] == "2004"
        finally:
            await link.close()


class TestReconnect:
    async def test_property_15_a_dropped_connection_is_reestablished_after_1_second(self, orchestrator, clock):
        """Property 15: after a disconnect the first attempt comes 1 s later and resumes the session."""
        fake, url = orchestrator
        attempts: list[float] = []
        link = await _connected_link(url, clock, attempts=attempts)
        try:
            await fake.drop()
            await eventually(lambda: link.state is ConnectionState.RECONNECTING, what="the disconnect")
            dropped = clock.now()
            await clock.advance_to(dropped + 1)
            await eventually(lambda: link.state is ConnectionState.CONNECTED, what="the reconnect")
            assert attempts[1:] == [dropped + 1]
            assert [h["resume"] for h in fake.hellos] == [False, True]
        finally:
            await link.close()

    async def test_property_15_three_attempts_with_1_2_4_second_backoff_then_2000(self, orchestrator, clock):
        """Property 15: up to 3 reconnect attempts, 1 s, 2 s and 4 s apart; then the link fails
        with ConnectionFailed (2000) naming the cause, and both directions report it."""
        fake, url = orchestrator
        attempts: list[float] = []
        statuses: list[AgentStatus] = []
        link = await _connected_link(url, clock, statuses, attempts)
        try:
            fake.refuse = True
            await fake.drop()
            await eventually(lambda: link.state is ConnectionState.RECONNECTING, what="the disconnect")
            dropped = clock.now()
            for at in (dropped + 1, dropped + 3, dropped + 7):
                await clock.advance_to(at)
            await eventually(lambda: link.state is ConnectionState.FAILED, what="the failure")
            assert attempts[1:] == [dropped + 1, dropped + 3, dropped + 7]
            assert [s.attempt for s in statuses if s.state is ConnectionState.RECONNECTING and s.attempt] == [1, 2, 3]
            assert clock.pending() == []  # no fourth attempt is scheduled
            with pytest.raises(ConnectionFailed) as received:
                await link.receive()
            assert received.value.code == "2000"
            assert received.value.details["attempts"] == 3
            assert received.value.details["cause"]["code"] == "2000"
            with pytest.raises(ConnectionFailed):
                await link.send({"type": "note"})

            fake.refuse = False  # a new start() is a fresh cycle
            assert (await link.start()).state is ConnectionState.CONNECTED
        finally:
            await link.close()

    async def test_property_15_attempts_that_time_out_end_in_2003(self, orchestrator, clock):
        """Property 15: an attempt whose handshake does not finish within 10 s counts as
        failed; when the last one timed out the link reports ConnectionTimeout (2003)."""
        fake, url = orchestrator
        link = await _connected_link(url, clock)
        try:
            fake.hold_welcome = True
            await fake.drop()
            await eventually(lambda: link.state is ConnectionState.RECONNECTING, what="the disconnect")
            t = clock.now()
            for at in (t + 1, t + 11, t + 13, t + 23, t + 27, t + 37):
                await clock.advance_to(at)
            await eventually(lambda: link.state is ConnectionState.FAILED, what="the failure")
            with pytest.raises(ConnectionTimeout) as failure:
                await link.receive()
            assert failure.value.code == "2003"
            assert fake.attempts == 4
        finally:
            await link.close()


class TestQueue:
    async def test_property_16_messages_sent_while_down_are_delivered_in_order_after_reconnecting(
            self, orchestrator, clock):
        """Property 16: up to 10 messages sent during the disconnect are queued, the 11th is
        refused with MessageQueueFull (2005), and the 10 arrive in order right after the new
        handshake, before anything sent later."""
        fake, url = orchestrator
        link = await _connected_link(url, clock)
        try:
            fake.refuse = True
            await fake.drop()
            await eventually(lambda: link.state is ConnectionState.RECONNECTING, what="the disconnect")
            dropped = clock.now()
            for n in range(10):
                await link.send({"type": "note", "n": n})
            with pytest.raises(MessageQueueFull) as full:
                await link.send({"type": "note", "n": 10})
            assert full.value.code == "2005"
            assert full.value.details["limit"] == 10
            assert link.queued == 10
            await clock.advance_to(dropped + 1)  # refused: still queued
            await eventually(lambda: link.status.attempt == 2, what="the second attempt's wait")
            assert link.queued == 10 and fake.of_type("note") == []
            fake.refuse = False
            await clock.advance_to(dropped + 3)
            await eventually(lambda: link.state is ConnectionState.CONNECTED, what="the reconnect")
            await link.send({"type": "note", "n": "after"})
            await eventually(lambda: len(fake.of_type("note")) == 11, what="all notes")
            assert [m["n"] for m in fake.of_type("note")] == [*range(10), "after"]
            assert link.queued == 0
        finally:
            await link.close()

    async def test_property_16_the_queue_is_dropped_when_reconnecting_fails(self, orchestrator, clock):
        """Property 16: queued messages are never delivered to a later, unrelated connection
        once the link has failed; the failure is what the senders learn."""
        fake, url = orchestrator
        link = await _connected_link(url, clock)
        try:
            fake.refuse = True
            await fake.drop()
            await eventually(lambda: link.state is ConnectionState.RECONNECTING, what="the disconnect")
            dropped = clock.now()
            await link.send({"type": "note", "n": 1})
            for at in (dropped + 1, dropped + 3, dropped + 7):
                await clock.advance_to(at)
            await eventually(lambda: link.state is ConnectionState.FAILED, what="the failure")
            assert link.queued == 0
            fake.refuse = False
            await link.start()
            await link.send({"type": "note", "n": 2})
            await eventually(lambda: fake.of_type("note"), what="the new note")
            assert [m["n"] for m in fake.of_type("note")] == [2]
        finally:
            await link.close()


@given(st.lists(st.integers(min_value=0, max_value=10**6), max_size=25))
def test_property_16_any_burst_while_down_keeps_the_first_ten_in_order(values):
    """Property 16 (any burst): whatever is sent while the link is down, the first 10 messages
    are delivered in order after reconnecting and every later one is refused with 2005."""

    async def scenario() -> tuple[list[int], int]:
        clock = ManualClock()
        server = MemoryOrchestrator()
        link = OrchestratorLink("ws://memory", hello=_hello, clock=clock, connector=server.connect)
        await link.start()
        server.up = False
        server.drop()
        await eventually(lambda: link.state is ConnectionState.RECONNECTING, what="the disconnect")
        dropped = clock.now()
        refused = 0
        for value in values:
            try:
                await link.send({"type": "note", "n": value})
            except MessageQueueFull:
                refused += 1
        server.up = True
        await clock.advance_to(dropped + 1)
        await eventually(lambda: link.state is ConnectionState.CONNECTED, what="the reconnect")
        await link.close()
        return [m["n"] for m in server.received], refused

    delivered, refused = asyncio.run(scenario())
    assert delivered == values[:10]
    assert refused == max(0, len(values) - 10)
