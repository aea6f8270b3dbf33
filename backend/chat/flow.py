"""One chat session and its turns: the orchestration behind the Reflex chat and /ws/chat.

    session = await open_session(user_id)              # connects the agent (Property 13)
    turn = await session.send("What's my balance?")    # 6011 here, before any model call
    async for event in turn.events():                  # turn_started, text, tool_call, media, status, error, final
        ...
    approve_tool_call(user_id, call_id) / reject_tool_call(user_id, call_id)   # from any handler
    session.stop()                                     # stop the running reply
    await session.close()

A turn: reserve the token estimate and store the user's message (one transaction; 6011
leaves nothing behind) → stream the agent's events → each tool call goes through
`backend.mcp.service.execute` (auth, validation, credits); calls that pause, delete, publish or
spend first wait for the user's approval (propose → approve/reject → execute → audit) → settle
the tokens, store the answer with its cards and media, `final`.

Approvals and stops are looked up in this process: with several app processes, the chat's
handlers must reach the process that runs the turn (sticky sessions).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backend.chat import billing, policy, service
from backend.chat.events import (
    ChatEvent,
    MediaAdded,
    MessageStatus,
    MessageView,
    StatusChanged,
    TextAdded,
    TurnError,
    TurnFinished,
    TurnStarted,
)
from backend.chat.tool_calls import ToolRunner
from backend.db import unit_of_work
from backend.errors import AppError, Conflict
from backend.integrations.agents import build_agent
from backend.integrations.agents.base import (
    Agent,
    AgentError,
    AgentRequest,
    AgentStatus,
    ConnectionState,
    Final,
    Media,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
    approx_tokens,
)
from backend.integrations.agents.clock import SYSTEM_CLOCK, Clock
from backend.models import User

logger = logging.getLogger(__name__)

APPROVAL_TIMEOUT = 600.0  # an unanswered approval counts as rejected after 10 minutes
HISTORY_MESSAGES = 40

_turns: dict[tuple[int, str], ChatTurn] = {}


def approve_tool_call(user_id: int, call_id: str) -> bool:
    """Approve a pending call of this user; False when none waits under that id."""
    return ToolRunner.decide(user_id, call_id, approved=True)


def reject_tool_call(user_id: int, call_id: str, reason: str | None = None) -> bool:
    return ToolRunner.decide(user_id, call_id, approved=False, reason=reason)


def stop_turn(user_id: int, turn_id: str) -> bool:
    """Stop a running turn of this user; False when it is not running here."""
    turn = _turns.get((user_id, turn_id))
    if turn is None:
        return False
    turn.stop()
    return True


async def open_session(user_id: int, *, agent: Agent | None = None, clock: Clock = SYSTEM_CLOCK,
                       approval_timeout: float = APPROVAL_TIMEOUT) -> ChatSession:
    """A chat session with its agent connected (or failed: see `session.status`)."""
    session = ChatSession(user_id, agent or build_agent(user_id, clock=clock), clock=clock,
                          approval_timeout=approval_timeout)
    await session.open()
    return session


class ChatSession:
    def __init__(self, user_id: int, agent: Agent, *, clock: Clock = SYSTEM_CLOCK,
                 approval_timeout: float = APPROVAL_TIMEOUT) -> None:
        self.user_id = user_id
        self.agent = agent
        self.clock = clock
        self.approval_timeout = approval_timeout
        self.turn: ChatTurn | None = None
        self._listeners: list[Callable[[AgentStatus], None]] = []
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def status(self) -> AgentStatus:
        return self.agent.status

    def add_status_listener(self, listener: Callable[[AgentStatus], None]) -> Callable[[], None]:
        """`listener(status)` on every change of the agent link, between turns too."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def open(self) -> AgentStatus:
        """Connect the agent (again, after a failure or close) and follow its status."""
        if self._unsubscribe is None:
            self._unsubscribe = self.agent.add_status_listener(self._status_changed)
        return await self.agent.connect()

    async def watch_status(self) -> AsyncIterator[AgentStatus]:
        """The current status, then every change, until the session closes (for a UI task)."""
        changes: asyncio.Queue[AgentStatus] = asyncio.Queue()
        unsubscribe = self.add_status_listener(changes.put_nowait)
        try:
            status = self.status
            while True:
                yield status
                if status.state is ConnectionState.CLOSED:
                    return
                status = await changes.get()
        finally:
            unsubscribe()

    async def send(self, text: str, *, conversation_id: str | None = None) -> ChatTurn:
        """Start a turn (None: a new conversation). Raises InsufficientCredits (6011) before the
        agent is called, ValidationFailed for an empty or too long message, Conflict while
        another reply of this session is still running."""
        text = service.check_text(text)
        if self.turn is not None and not self.turn.done:
            raise Conflict("A reply is still running; stop it or wait for it", details={"turn_id": self.turn.id})
        conversation_id = service.check_conversation_id(conversation_id) if conversation_id else \
            service.new_conversation_id()
        turn_id = uuid.uuid4().hex
        prepared = await asyncio.to_thread(self._prepare, turn_id, conversation_id, text)
        self.turn = ChatTurn(self, prepared)
        self.turn.start()
        return self.turn

    def _prepare(self, turn_id: str, conversation_id: str, text: str) -> _Prepared:
        with unit_of_work() as session:
            user = session.get(User, self.user_id)
            history = service.agent_history(session, self.user_id, conversation_id, limit=HISTORY_MESSAGES)
            prompt_tokens = approx_tokens(" ".join(str(m.get("content") or "") for m in history) + text)
            billing.reserve_for_turn(session, user_id=self.user_id, turn_id=turn_id, model=_model_of(self.agent),
                                     prompt_tokens=prompt_tokens)
            user_row, assistant_row = service.start_turn(session, user_id=self.user_id,
                                                         conversation_id=conversation_id, text=text)
            request = AgentRequest(
                user_id=self.user_id, conversation_id=conversation_id, turn_id=turn_id, text=text, history=history,
                tools=list(policy.tool_infos()), language=(user.language if user else "en") or "en",
                user_name=user.display_name if user else None)
            assert assistant_row.id is not None
            return _Prepared(request, service.message_view(user_row), assistant_row.id, prompt_tokens)

    def approve(self, call_id: str) -> bool:
        return approve_tool_call(self.user_id, call_id)

    def reject(self, call_id: str, reason: str | None = None) -> bool:
        return reject_tool_call(self.user_id, call_id, reason)

    def stop(self) -> None:
        if self.turn is not None:
            self.turn.stop()

    async def close(self) -> None:
        if self.turn is not None and not self.turn.done:
            self.turn.stop()
            await self.turn.wait()
        await self.agent.close()  # listeners hear "closed" before the session lets go of the agent
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _status_changed(self, status: AgentStatus) -> None:
        if self.turn is not None and not self.turn.done:
            self.turn.emit(StatusChanged(status))
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:
                logger.exception("chat status listener failed")


@dataclass
class _Prepared:
    request: AgentRequest
    user_message: MessageView
    assistant_message_id: int
    prompt_tokens: int


@dataclass
class _Outcome:
    text: list[str] = field(default_factory=list)
    usages: list[Usage] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    error: AgentError | None = None


class ChatTurn:
    """One user message and the agent's reply. Consume `events()` once; it ends after `final`."""

    def __init__(self, chat: ChatSession, prepared: _Prepared) -> None:
        self.chat = chat
        self.request = prepared.request
        self.id = prepared.request.turn_id
        self.user_id = chat.user_id
        self.conversation_id = prepared.request.conversation_id
        self.user_message = prepared.user_message
        self.assistant_message_id = prepared.assistant_message_id
        self.message: MessageView | None = None  # the saved answer, once finished
        self._prepared = prepared
        self._queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()
        self._outcome = _Outcome()
        self._tools = ToolRunner(self.user_id, self.id, self.conversation_id, emit=self.emit, clock=chat.clock,
                                 approval_timeout=chat.approval_timeout)
        self._task: asyncio.Task[None] | None = None
        self._agent_task: asyncio.Task[None] | None = None
        self._stopped = False

    @property
    def done(self) -> bool:
        return self._task is not None and self._task.done()

    def start(self) -> None:
        _turns[(self.user_id, self.id)] = self
        self._task = asyncio.create_task(self._run(), name=f"chat-turn {self.id}")

    def emit(self, event: ChatEvent) -> None:
        self._queue.put_nowait(event)

    async def events(self) -> AsyncIterator[ChatEvent]:
        while True:
            event = await self._queue.get()
            if event is None:
                return
            yield event

    async def wait(self) -> MessageView:
        assert self._task is not None
        await asyncio.shield(self._task)
        assert self.message is not None
        return self.message

    def stop(self) -> None:
        """Stop reading the agent; what has arrived so far is kept (status `stopped`)."""
        if self.done:
            return
        self._stopped = True
        if self._agent_task is not None:
            self._agent_task.cancel()

    async def _run(self) -> None:
        self.emit(TurnStarted(self.id, self.conversation_id, self.user_message, self.assistant_message_id))
        status = MessageStatus.COMPLETE
        self._agent_task = asyncio.create_task(self._drive())
        if self._stopped:  # stopped before it began
            self._agent_task.cancel()
        try:
            await self._agent_task
        except asyncio.CancelledError:
            status = MessageStatus.STOPPED
            if not self._stopped:  # this task itself was cancelled: shutting down
                logger.info("chat turn %s cancelled", self.id)
        except Exception as exc:
            failure = exc if isinstance(exc, AppError) else AppError("The agent failed unexpectedly")
            if not isinstance(exc, AppError):
                logger.exception("chat turn %s failed", self.id)
            self._outcome.error = AgentError.of(failure)
            self.emit(TurnError(self.id, _error(self._outcome.error)))
        if self._outcome.error is not None and status is MessageStatus.COMPLETE:
            status = MessageStatus.ERROR
        if self._stopped:
            await self.chat.agent.cancel(self.id)
        try:
            try:
                self.message = await asyncio.to_thread(self._finish, status)
            except Exception:  # the database failed us: say so, and still end the turn with `final`
                logger.exception("chat turn %s: could not save the answer", self.id)
                self.emit(TurnError(self.id, _error(AgentError("5002", "The answer could not be saved"))))
                self.message = self._unsaved(MessageStatus.ERROR)
            self.emit(TurnFinished(self.id, self.message))
        finally:
            _turns.pop((self.user_id, self.id), None)
            self._queue.put_nowait(None)

    async def _drive(self) -> None:
        stream = self.chat.agent.run(self.request)
        reply: ToolResult | None = None
        try:
            while True:
                try:
                    event = await stream.asend(reply)
                except StopAsyncIteration:
                    return
                reply = await self._handle(event)
        finally:
            await stream.aclose()

    async def _handle(self, event: Any) -> ToolResult | None:
        if isinstance(event, TextDelta):
            if event.text:
                self._outcome.text.append(event.text)
                self.emit(TextAdded(self.id, event.text))
        elif isinstance(event, ToolCall):
            return await self._tools.run(event)
        elif isinstance(event, ToolResult):
            self._tools.show(event)
        elif isinstance(event, Media):
            await self._media(event)
        elif isinstance(event, Usage):
            self._outcome.usages.append(event)
        elif isinstance(event, AgentError):
            self._outcome.error = event
            self.emit(TurnError(self.id, _error(event)))
        elif not isinstance(event, Final):
            logger.warning("chat turn %s: ignoring agent event %r", self.id, event)
        return None

    async def _media(self, event: Media) -> None:
        def resolve() -> dict[str, Any] | None:
            with unit_of_work() as session:
                return service.resolve_media(session, user_id=self.user_id, kind=event.kind, key=event.key,
                                             creative_id=event.creative_id, mime_type=event.mime_type,
                                             caption=event.caption)

        item = await asyncio.to_thread(resolve)
        if item is None:
            logger.warning("chat turn %s: dropping media that is not the user's (%s)", self.id, event.key)
            return
        self._outcome.media.append(item)
        self.emit(MediaAdded(self.id, await asyncio.to_thread(service.media_view, item)))

    def _finish(self, status: MessageStatus) -> MessageView:
        """Settle the tokens (or release the hold when nothing came back), then save the answer."""
        outcome, text = self._outcome, "".join(self._outcome.text)
        produced = bool(text or outcome.usages or self._tools.cards)
        model = outcome.usages[-1].model if outcome.usages else _model_of(self.chat.agent)
        input_tokens = sum(u.input_tokens for u in outcome.usages) or self._prepared.prompt_tokens
        output_tokens = sum(u.output_tokens for u in outcome.usages) or (approx_tokens(text) if text else 0)
        token_cost = Decimal("0.00")
        try:
            with unit_of_work() as session:
                if produced:
                    token_cost = billing.settle_turn(session, user_id=self.user_id, turn_id=self.id, model=model,
                                                     input_tokens=input_tokens, output_tokens=output_tokens)
                else:
                    billing.release_turn(session, user_id=self.user_id, turn_id=self.id, reason=str(status))
        except Exception:  # the answer is still saved; the hold stays for the stale-hold sweeper
            logger.exception("chat turn %s: could not settle its credits", self.id)
        with unit_of_work() as session:
            row = service.finish_turn(
                session, user_id=self.user_id, message_id=self.assistant_message_id, content=text, status=status,
                tool_calls=self._tools.stored_cards(), media=outcome.media,
                credits_charged=token_cost + self._tools.credits_charged,
            )
            return service.message_view(row)


    def _unsaved(self, status: MessageStatus) -> MessageView:
        return MessageView(id=self.assistant_message_id, conversation_id=self.conversation_id, role="assistant",
                           content="".join(self._outcome.text), status=status, created_at=self.user_message.created_at,
                           tool_calls=list(self._tools.cards))


def _model_of(agent: Agent) -> str:
    return str(getattr(agent, "model", None) or agent.name)


def _error(error: AgentError) -> dict[str, Any]:
    return {"code": error.code, "message": error.message, "details": error.details}
