"""Per-user rate limits with the `limits` library: Redis when configured, in-process otherwise.

`check` is for synchronous callers; `check_async` is for the API's dependencies on the event
loop (the async Redis client, so a hit never takes a worker thread). Both count in the same
Redis keys, so a limit is one limit whichever path counted the hit.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import weakref
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage as AsyncRedisStorage
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindowRateLimiter
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from backend.config import get_settings
from backend.errors import RateLimited

# One async limiter per event loop and Redis URL: redis.asyncio connections belong to a loop.
_async_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, AsyncMovingWindowRateLimiter]] = (
    weakref.WeakKeyDictionary()
)


_limiters: dict[str | None, MovingWindowRateLimiter] = {}
# `limits` resolves its Redis dependency lazily and not thread-safely: threads building their
# first RedisStorage at the same moment fail with "minimum version of 3.0 for 'redis' could not
# be found" (seen with 16 worker threads on a cold server). One builder at a time.
_limiters_lock = threading.Lock()


def limiter() -> MovingWindowRateLimiter:
    redis_url = get_settings().redis_url
    found = _limiters.get(redis_url)
    if found is None:
        with _limiters_lock:
            found = _limiters.get(redis_url)
            if found is None:
                storage: Storage = RedisStorage(redis_url) if redis_url else MemoryStorage()
                found = _limiters[redis_url] = MovingWindowRateLimiter(storage)
    return found


def _async_limiter(redis_url: str) -> AsyncMovingWindowRateLimiter:
    per_loop = _async_limiters.setdefault(asyncio.get_running_loop(), {})
    found = per_loop.get(redis_url)
    if found is None:
        found = per_loop[redis_url] = AsyncMovingWindowRateLimiter(
            AsyncRedisStorage(f"async+{redis_url}", implementation="redispy")
        )
    return found


@lru_cache(maxsize=64)
def _parse(rule: str) -> RateLimitItem:
    return parse(rule)


def rule_for(scope: str) -> RateLimitItem:
    settings = get_settings()
    return _parse({"api": settings.rate_limit_api, "mcp": settings.rate_limit_mcp,
                   "upload": settings.rate_limit_upload}[scope])


def check(scope: str, identity: str) -> None:
    """Count one hit for `identity` in `scope` (api, mcp, upload); 429 (1029) when over the limit."""
    rule = rule_for(scope)
    rl = limiter()
    if rl.hit(rule, scope, identity):
        return
    reset_at, _remaining = rl.get_window_stats(rule, scope, identity)
    raise _limited(rule, scope, reset_at)


async def check_async(scope: str, identity: str) -> None:
    """`check` for the event loop: one async Redis round trip, or the in-process counter."""
    redis_url = get_settings().redis_url
    if not redis_url:
        check(scope, identity)  # in memory: no I/O, nothing to wait for
        return
    rule = rule_for(scope)
    rl = _async_limiter(redis_url)
    if await rl.hit(rule, scope, identity):
        return
    reset_at, _remaining = await rl.get_window_stats(rule, scope, identity)
    raise _limited(rule, scope, reset_at)


def _limited(rule: RateLimitItem, scope: str, reset_at: float) -> RateLimited:
    retry_after = max(1, math.ceil(reset_at - time.time()))
    return RateLimited(
        f"Too many requests: the limit is {rule}", details={"scope": scope, "retry_after": retry_after},
        headers={"Retry-After": str(retry_after)},
    )


def reset(scope: str, identity: str) -> None:
    limiter().clear(rule_for(scope), scope, identity)
