"""The live chat sessions of this process, for callers that cannot hold one themselves.

A Reflex state is serialised between events, so it cannot keep a `ChatSession` (an agent with
a WebSocket link) in a var. It keeps a key instead — the browser tab's client token — and
finds its session here:

    session = await sessions.open(user_id, client_token)   # the same session while it is open
    sessions.get(user_id, client_token)                    # None once closed
    await sessions.close(user_id, client_token)            # on sign-out or when the tab goes away

Sessions live in this process only; with several app processes the chat's events must reach
the process that opened the session (sticky sessions), as for approvals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from backend.chat.flow import ChatSession, open_session
from backend.integrations.agents.base import Agent, ConnectionState


class SessionRegistry:
    def __init__(self) -> None:
        self._sessions: dict[tuple[int, str], ChatSession] = {}
        self._locks: dict[tuple[int, str], asyncio.Lock] = {}  # one per key: opening may take seconds

    def get(self, user_id: int, key: str) -> ChatSession | None:
        return self._sessions.get((user_id, key))

    async def open(self, user_id: int, key: str, *, agent_factory: Callable[[int], Agent] | None = None
                   ) -> ChatSession:
        """The open session under this key, or a new one (connecting its agent: Property 13).
        A session whose agent link failed or closed is reconnected."""
        async with self._locks.setdefault((user_id, key), asyncio.Lock()):
            session = self._sessions.get((user_id, key))
            if session is None:
                agent = agent_factory(user_id) if agent_factory else None
                session = await open_session(user_id, agent=agent)
                self._sessions[(user_id, key)] = session
            elif session.status.state in (ConnectionState.FAILED, ConnectionState.CLOSED):
                await session.open()
            return session

    async def close(self, user_id: int, key: str) -> None:
        session = self._sessions.pop((user_id, key), None)
        self._locks.pop((user_id, key), None)
        if session is not None:
            await session.close()

    async def close_all(self) -> None:
        for user_id, key in list(self._sessions):
            await self.close(user_id, key)


sessions = SessionRegistry()
