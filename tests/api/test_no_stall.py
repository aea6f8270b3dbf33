"""More concurrent requests than database connections and worker threads: every one is answered.

The request path used to hold a request's connection between worker-thread hops; with threads all
busy waiting for connections and connections all held by requests waiting for a thread, nothing
moved until the pool timeout (bench/api.py saw every request time out). Now a connection is taken
and given back inside one hop (backend/common/routing.py), so this finishes without a single error.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import anyio.to_thread
import httpx

from backend.api import create_api
from backend.db import make_engine, set_engine


async def test_more_requests_than_connections_and_threads_all_succeed(committed_engine, database_url, alice):
    small = make_engine(database_url, pool_size=2, max_overflow=0, pool_timeout=3)
    set_engine(small)
    try:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 8  # more threads than connections
        app = create_api()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as client:
            responses = await asyncio.gather(*[
                client.get(path, headers=alice.headers)
                for _ in range(16)
                for path in ("/api/v1/credits/balance", "/api/v1/users/me", "/api/v1/creatives?limit=50")
            ])
        statuses = Counter(response.status_code for response in responses)
        assert statuses == Counter({200: 48}), [r.json() for r in responses if r.status_code != 200][:3]
    finally:
        set_engine(committed_engine)
        small.dispose()
