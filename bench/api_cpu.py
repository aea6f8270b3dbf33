"""The API's own CPU per request, in process: the ASGI apps are called directly (no sockets, no
HTTP client, no server), one request at a time, so what is measured is the server's work alone —
steadier than `bench/api.py`, whose figures on a 2-core machine mostly show the load generator.

Measured in the same run, each the best of several rounds (CPU time of this process, all threads):
- bare ASGI hello (the `bench/api.py` baseline);
- the same hello served through the API app: its middleware, routing and exception handling;
- GET /api/v1/credits/balance and GET /api/v1/creatives?limit=50 (60 creatives), signed in, rate
  limits on Redis, on MariaDB.

    .venv/bin/python bench/api_cpu.py [--requests 300] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time

from fastapi.responses import JSONResponse

from _common import fresh_database
from api import REDIS_URL, seed


async def call(app, path: str, query: str, headers: list[tuple[bytes, bytes]]) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
    status: list[int] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def cpu_per_request(app, path: str, query: str, headers, requests: int, rounds: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per request, the best round of `rounds`."""
    for _ in range(30):
        status = await call(app, path, query, headers)
        if status != 200:
            raise RuntimeError(f"{path}?{query} answered {status}")
    best_cpu = best_wall = float("inf")
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(requests):
            await call(app, path, query, headers)
        best_cpu = min(best_cpu, (time.process_time() - cpu) / requests * 1000)
        best_wall = min(best_wall, (time.perf_counter() - wall) / requests * 1000)
    return best_cpu, best_wall


async def measure(token: str, requests: int, rounds: int) -> list[tuple[str, float, float]]:
    from _hello import app as hello
    from backend.api import create_api, lifespan
    from backend.common.routing import api_router
    from backend.config import reset_settings_cache

    reset_settings_cache()
    app = create_api()
    probe = api_router(prefix="/bench")

    @probe.get("/hello")
    async def api_hello() -> JSONResponse:
        return JSONResponse({"status": "success", "data": {"hello": "world"}})

    app.include_router(probe)
    auth = [(b"authorization", f"Bearer {token}".encode()), (b"accept-encoding", b"gzip, deflate")]
    rows = []
    async with lifespan(app):
        for label, target, path, query, headers in [
            ("bare ASGI hello", hello, "/hello", "", []),
            ("hello through the API app", app, "/bench/hello", "", []),
            ("GET /credits/balance", app, "/api/v1/credits/balance", "", auth),
            ("GET /creatives?limit=50", app, "/api/v1/creatives", "limit=50", auth),
        ]:
            rows.append((label, *await cpu_per_request(target, path, query, headers, requests, rounds)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from tests.conftest import drop_database

    name, url = fresh_database()
    try:
        token = seed(url, tempfile.mkdtemp(prefix="aae-bench-files-"))
        os.environ.update({"AAE_RATE_LIMIT_API": "100000000/minute", "AAE_JOBS_INLINE_WORKER": "false",
                           "AAE_ENV": "test", "AAE_REDIS_URL": REDIS_URL})
        rows = asyncio.run(measure(token, args.requests, args.rounds))
    finally:
        drop_database(name)
    base = rows[0][1]
    print("-- server CPU per request, in process (best of rounds) --")
    for label, cpu, wall in rows:
        print(f"{label:>28}: cpu {cpu:6.3f} ms   wall {wall:6.3f} ms   ratio to hello {base / cpu:6.3f}")
    print(f"({args.requests} requests x {args.rounds} rounds each; the ratio is the throughput one core would give "
          f"relative to hello)")


if __name__ == "__main__":
    main()
