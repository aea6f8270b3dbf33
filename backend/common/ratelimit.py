"""Per-user rate limits with the `limits` library: Redis when configured, in-process otherwise."""

from __future__ import annotations

import math
import threading
import time
from functools import lru_cache

from limits import parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from backend.config import get_settings
from backend.errors import RateLimited

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _limiter(redis_url: str | None) -> MovingWindowRateLimiter:
    storage: Storage = RedisStorage(redis_url) if redis_url else MemoryStorage()
    return MovingWindowRateLimiter(storage)


def limiter() -> MovingWindowRateLimiter:
    return _limiter(get_settings().redis_url)


def check(scope: str, identity: str) -> None:
    """Count one hit for `identity` in `scope` (api, mcp, upload); 429 (1029) when over the limit."""
    settings = get_settings()
    rule = parse({"api": settings.rate_limit_api, "mcp": settings.rate_limit_mcp,
                  "upload": settings.rate_limit_upload}[scope])
    rl = limiter()
    if rl.hit(rule, scope, identity):
        return
    reset_at, _remaining = rl.get_window_stats(rule, scope, identity)
    retry_after = max(1, math.ceil(reset_at - time.time()))
    raise RateLimited(
        f"Too many requests: the limit is {rule}", details={"scope": scope, "retry_after": retry_after},
        headers={"Retry-After": str(retry_after)},
    )


def reset(scope: str, identity: str) -> None:
    settings = get_settings()
    rule = parse({"api": settings.rate_limit_api, "mcp": settings.rate_limit_mcp,
                  "upload": settings.rate_limit_upload}[scope])
    limiter().clear(rule, scope, identity)
