"""Time for the agent link and the chat heartbeat, behind a two-method interface.

Heartbeats (ping every 30 s, dead after 60 s), reconnect backoff (1 s, 2 s, 4 s), connect and
approval timeouts all read `now()` and wait with `sleep()`. Production uses the monotonic
clock; tests pass a manual clock and advance it, so nothing waits for real seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic scale (only differences mean anything)."""

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


SYSTEM_CLOCK = SystemClock()


async def within(clock: Clock, seconds: float, awaitable: Awaitable[T], on_timeout: Callable[[], Exception]) -> T:
    """Await `awaitable`, or raise `on_timeout()` once `seconds` have passed on `clock`.

    `asyncio.timeout` would measure real time; this races the work against the clock's own
    sleep so a manual clock decides when the deadline comes.
    """
    work = asyncio.ensure_future(awaitable)
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        done, _ = await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        work.cancel()
        timer.cancel()
        raise
    if work in done:
        timer.cancel()
        return work.result()
    work.cancel()
    await asyncio.wait({work})  # let it unwind; its own outcome no longer matters
    if not work.cancelled():
        work.exception()  # retrieved, so asyncio does not log it as never retrieved
    raise on_timeout()


async def keep_alive(
    clock: Clock, *, interval: float, timeout: float, last_pong: Callable[[], float],
    send_ping: Callable[[], Awaitable[None]],
) -> None:
    """The heartbeat of Property 14: `send_ping()` every `interval` seconds; raise
    HeartbeatTimeout (2004) as soon as `timeout` seconds have passed since `last_pong()`
    (the time of the last pong, or of connecting). Runs until cancelled or timed out."""
    from backend.errors import HeartbeatTimeout

    next_ping = clock.now() + interval
    while True:
        deadline = last_pong() + timeout
        await clock.sleep(max(0.0, min(next_ping, deadline) - clock.now()))
        now = clock.now()
        if now >= last_pong() + timeout:
            raise HeartbeatTimeout(f"No pong for {timeout:g} s", details={"pong_timeout": timeout})
        if now >= next_ping:
            next_ping = now + interval
            await send_ping()
