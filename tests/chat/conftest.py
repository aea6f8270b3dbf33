"""Committed users (tool calls run in their own transactions) and a scripted agent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from backend.campaigns import service as campaigns
from backend.campaigns.service import CampaignData
from backend.chat.events import ChatEvent
from backend.chat.flow import ChatTurn
from backend.db import unit_of_work
from backend.integrations.agents.base import Agent, AgentRequest, AgentStream, ToolCall, ToolResult
from tests.factories import bind_sandbox_accounts, make_user


@dataclass
class Member:
    id: int
    account_id: int


def new_member(*, gifted: str | None = None, purchased: str | None = None, language: str = "en") -> Member:
    with unit_of_work() as session:
        user = make_user(session, gifted=gifted, purchased=purchased, language=language)
        account = bind_sandbox_accounts(session, user)[0]
        assert user.id is not None and account.id is not None
        return Member(user.id, account.id)


@pytest.fixture()
def member(committed_engine) -> Member:
    return new_member(gifted="100.00", purchased="0.00")


def new_campaign(member: Member, *, name: str = "Spring sale", status: str = "active") -> int:
    with unit_of_work() as session:
        campaign = campaigns.create(session, user_id=member.id, data=CampaignData(
            ad_account_id=member.account_id, name=name, objective="sales", budget=Decimal(50)))
        if status != "draft":
            campaigns.set_status(session, user_id=member.id, campaign_id=campaign.id, status=status)
        assert campaign.id is not None
        return campaign.id


class ScriptedAgent(Agent):
    """Yields its steps in order; a ToolCall step records the platform's answer; a callable step
    is awaited (to pause the stream); an exception step is raised."""

    name = "scripted"
    model = "gemini-flash"

    def __init__(self, *steps: Any) -> None:
        super().__init__()
        self.steps = steps
        self.requests: list[AgentRequest] = []
        self.results: list[ToolResult | None] = []
        self.cancelled: list[str] = []

    async def run(self, request: AgentRequest) -> AgentStream:
        self.requests.append(request)
        for step in self.steps:
            if isinstance(step, ToolCall):
                self.results.append((yield step))
            elif isinstance(step, BaseException):
                raise step
            elif callable(step):
                await step()
            else:
                yield step

    async def cancel(self, turn_id: str) -> None:
        self.cancelled.append(turn_id)


def forever() -> Callable[[], Awaitable[None]]:
    async def wait() -> None:
        await asyncio.Event().wait()

    return wait


async def collect(turn: ChatTurn, on_event: Callable[[ChatEvent], Any] | None = None) -> list[ChatEvent]:
    events = []
    async for event in turn.events():
        events.append(event)
        if on_event is not None:
            outcome = on_event(event)
            if asyncio.iscoroutine(outcome):
                await outcome
    return events
