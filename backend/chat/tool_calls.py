"""Tool calls of one chat turn: propose → (approve | reject) → execute → audit.

Every call runs through `backend.mcp.service.execute` (the one path with auth, validation,
credit holds and idempotency); calls that change something run under the operation id
`chat:<turn_id>:<n>`, so they are recorded and never run twice. A call that
`policy.requires_approval` first shows its card as `awaiting_approval` and waits for
`ToolRunner.decide(...)` (from the chat UI or /ws/chat); no answer within the approval
timeout counts as a rejection. Approved calls are audited after they ran, with their outcome;
rejected ones when rejected.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from backend.chat import policy, service
from backend.chat.events import ChatEvent, ToolCallUpdated, ToolCallView, ToolStatus
from backend.db import unit_of_work
from backend.errors import AppError, InvalidParameters, ToolNotFound
from backend.integrations.agents.base import ToolCall, ToolResult, error_dict
from backend.integrations.agents.clock import Clock, within
from backend.mcp import service as mcp

logger = logging.getLogger(__name__)

# (user_id, call_id) → (loop, future of (approved, reason)) for calls waiting for the user.
_pending: dict[tuple[int, str], tuple[asyncio.AbstractEventLoop, asyncio.Future[tuple[bool, str | None]]]] = {}


class _Expired(Exception):
    pass


class ToolRunner:
    def __init__(self, user_id: int, turn_id: str, conversation_id: str, *, emit: Callable[[ChatEvent], None],
                 clock: Clock, approval_timeout: float) -> None:
        self.user_id = user_id
        self.turn_id = turn_id
        self.conversation_id = conversation_id
        self.cards: list[ToolCallView] = []
        self._results: dict[str, Any] = {}
        self._count = 0
        self._emit = emit
        self._clock = clock
        self._approval_timeout = approval_timeout

    @staticmethod
    def decide(user_id: int, call_id: str, *, approved: bool, reason: str | None = None) -> bool:
        """Answer a waiting call (thread-safe); False when no call of this user waits under that id."""
        entry = _pending.get((user_id, call_id))
        if entry is None:
            return False
        loop, decision = entry

        def answer() -> None:
            if not decision.done():
                decision.set_result((approved, reason))

        loop.call_soon_threadsafe(answer)
        return True

    @property
    def credits_charged(self) -> Decimal:
        return sum((Decimal(c.credits_charged) for c in self.cards), Decimal("0.00"))

    def stored_cards(self) -> list[dict[str, Any]]:
        return [service.stored_card(card, self._results.get(card.id)) for card in self.cards]

    def show(self, result: ToolResult) -> None:
        """A tool the agent ran elsewhere: a card for the record, nothing runs here."""
        card = ToolCallView(id=result.call_id, name=result.name, title=policy.title_of(result.name), arguments={},
                            status=ToolStatus.SUCCEEDED if result.ok else ToolStatus.FAILED,
                            credits_charged=str(result.credits_charged), error=result.error)
        _summarize(card, result.summary or (policy.summarize(result.data) if result.ok else ""), result)
        self._results[card.id] = result.data
        self._update(card)

    async def run(self, call: ToolCall) -> ToolResult:
        card = ToolCallView(id=call.id, name=call.name, title=policy.title_of(call.name),
                            arguments=call.arguments or {})
        spec = policy.chat_tool(call.name)
        if spec is None:
            return self._refuse(card, call, ToolNotFound(f"Unknown tool: {call.name}", details={"tool": call.name}))
        if call.arguments is None:
            return self._refuse(card, call, InvalidParameters(
                f"Arguments for {call.name} are not a JSON object", details={"tool": call.name, "field": "arguments"}))
        card.requires_approval = policy.requires_approval(spec)
        if card.requires_approval:
            card.status = ToolStatus.AWAITING_APPROVAL
            self._update(card)
            try:
                approved, reason = await self._decision(call.id)
            except asyncio.CancelledError:  # the reply was stopped while the card waited
                card.status, card.error = ToolStatus.REJECTED, _brief(ToolResult.rejection(call, "stopped").error)
                self._update(card)
                await self._audit(card, approved=False)
                raise
            if not approved:
                result = ToolResult.rejection(call, reason)
                card.status, card.error = ToolStatus.REJECTED, _brief(result.error)
                self._update(card)
                await self._audit(card, approved=False)
                return result
        card.status = ToolStatus.RUNNING
        self._update(card)
        self._count += 1
        # An operation id makes a change run once even if retried; reads need no such record.
        operation_id = None if spec.read_only else f"chat:{self.turn_id}:{self._count}"
        execution = asyncio.ensure_future(asyncio.to_thread(self._execute, call, operation_id))
        stopped = False
        while True:
            try:
                result = await asyncio.shield(execution)
                break
            except asyncio.CancelledError:  # stopped: the call still finishes, and its card says how
                stopped = True
        self._finish(card, result)
        if card.requires_approval:
            await self._audit(card, approved=True)
        if stopped:
            raise asyncio.CancelledError
        return result

    def _execute(self, call: ToolCall, operation_id: str | None) -> ToolResult:
        try:
            done = mcp.execute(self.user_id, call.name, call.arguments, operation_id=operation_id)
        except AppError as exc:
            return ToolResult(call.id, call.name, False, error=error_dict(exc))
        return ToolResult(call.id, call.name, True, data=done.data, credits_charged=done.credits_charged,
                          summary=policy.summarize(done.data))

    def _finish(self, card: ToolCallView, result: ToolResult) -> None:
        card.status = ToolStatus.SUCCEEDED if result.ok else ToolStatus.FAILED
        _summarize(card, result.summary, result)
        card.credits_charged = str(result.credits_charged)
        card.error = _brief(result.error)
        self._results[card.id] = result.data
        self._update(card)

    def _refuse(self, card: ToolCallView, call: ToolCall, exc: AppError) -> ToolResult:
        card.status, card.error = ToolStatus.FAILED, _brief(error_dict(exc))
        self._update(card)
        return ToolResult(call.id, call.name, False, error=error_dict(exc))

    async def _decision(self, call_id: str) -> tuple[bool, str | None]:
        loop = asyncio.get_running_loop()
        decision: asyncio.Future[tuple[bool, str | None]] = loop.create_future()
        key = (self.user_id, call_id)
        _pending[key] = (loop, decision)
        try:
            return await within(self._clock, self._approval_timeout, decision, _Expired)
        except _Expired:
            return False, "no answer in time"
        finally:
            if _pending.get(key, (None, None))[1] is decision:
                del _pending[key]

    async def _audit(self, card: ToolCallView, *, approved: bool) -> None:
        def write() -> None:
            with unit_of_work() as session:
                service.record_tool_decision(session, user_id=self.user_id, approved=approved, card=card,
                                             conversation_id=self.conversation_id, turn_id=self.turn_id)

        try:
            await asyncio.to_thread(write)
        except Exception:  # the call has happened either way; a lost audit row is logged loudly
            logger.exception("could not audit tool call %s of turn %s", card.id, self.turn_id)

    def _update(self, card: ToolCallView) -> None:
        if not any(c is card for c in self.cards):
            self.cards.append(card)
        self._emit(ToolCallUpdated(self.turn_id, ToolCallView(**card.to_dict())))


def _summarize(card: ToolCallView, text: str, result: ToolResult) -> None:
    """The card's summary line, with its template when it came from one (for the UI's language)."""
    summary = policy.described(text, result.data) if result.ok and text else policy.Summary(text)
    card.summary, card.summary_key, card.summary_params = summary.text, summary.key, dict(summary.params)


def _brief(error: dict[str, Any] | None) -> dict[str, Any] | None:
    if not error:
        return None
    return {"code": error.get("code"), "type": error.get("type"), "message": error.get("message")}
