"""API throughput: authenticated GET /api/v1/credits/balance and GET /api/v1/creatives?limit=50
with 64 concurrent clients against the API on MariaDB + Redis (rate limits on Redis), and in the
same run a bare ASGI "hello" served the same way (granian, as `reflex run --env prod` serves the app;
once with one worker process, once with one per core). Prints RPS, p50, p99 and the ratio to hello.

    make bench            # or: .venv/bin/python bench/api.py [--seconds 5] [--clients 64]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _common import ROOT, fresh_database, summary

LOAD_PROCESSES = 4
REDIS_URL = os.environ.get("AAE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(target: list[str], env: dict[str, str], workers: int = 1,
                 server: str = "granian") -> tuple[subprocess.Popen, str]:
    """Serve an ASGI target; granian is what `reflex run --env prod` serves the app with."""
    port = free_port()
    common = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
              "--no-access-log"]
    if server == "granian":
        command = [sys.executable, "-m", "granian", "--interface", "asgi", *common, *target]
    else:
        command = [sys.executable, "-m", "uvicorn", *target, *common]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/", timeout=0.5)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server {target} did not start: {process.stderr.read().decode()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server and its worker processes: its whole session (granian's workers are children,
    and a worker left behind keeps its database connections)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # whatever did not stop in time
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def _client_process(url: str, headers: dict[str, str], threads: int, seconds: float, out) -> None:
    """One load process: `threads` keep-alive clients hitting `url` until the deadline."""
    import threading

    results: list[tuple[list[float], int]] = []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        latencies: list[float] = []
        failures = 0
        with httpx.Client(headers=headers, timeout=30) as http:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                status = http.get(url).status_code
                latencies.append(time.perf_counter() - start)
                failures += status != 200
        results.append((latencies, failures))

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put(results)


def load(url: str, headers: dict[str, str], clients: int, seconds: float) -> tuple[int, float, list[float], int]:
    """`clients` concurrent keep-alive clients spread over processes (no GIL ceiling on the load side)."""
    import multiprocessing as mp

    processes = min(LOAD_PROCESSES, clients)
    out: mp.Queue = mp.Queue()
    procs = [mp.Process(target=_client_process, args=(url, headers, clients // processes, seconds, out))
             for _ in range(processes)]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    collected = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    elapsed = min(time.perf_counter() - started, seconds)
    latencies = [lat for chunk in collected for lats, _ in chunk for lat in lats]
    failures = sum(f for chunk in collected for _, f in chunk)
    return len(latencies), elapsed, latencies, failures


def seed(url: str, files_dir: str) -> str:
    os.environ.update({"AAE_DATABASE_URL": url, "AAE_STORAGE_LOCAL_DIR": files_dir})
    from backend.config import reset_settings_cache

    reset_settings_cache()
    from backend.auth.tokens import create_access_token
    from backend.db import unit_of_work
    from backend.models import Creative
    from tests.factories import make_user

    with unit_of_work() as session:
        user = make_user(session)
        for i in range(60):
            session.add(Creative(user_id=user.id, name=f"Creative {i}", storage_key=f"creatives/{user.id}/{i}.png",
                                 file_url=f"http://127.0.0.1/files/creatives/{i}.png", cdn_url=f"https://cdn/{i}.png",
                                 file_type="image", mime_type="image/png", file_size=1000, tags=["bench"], score=50))
        user_id = user.id
    return create_access_token(user_id, ttl_seconds=3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, nargs="+", default=sorted({1, os.cpu_count() or 1}),
                        help="server worker processes (one run per value; default: 1 and one per core)")
    parser.add_argument("--server", choices=["granian", "uvicorn"], default="granian",
                        help="the ASGI server (granian: what the app runs on in production)")
    args = parser.parse_args()
    from tests.conftest import drop_database

    name, url = fresh_database()
    files_dir = tempfile.mkdtemp(prefix="aae-bench-files-")
    processes: list[subprocess.Popen] = []
    try:
        token = seed(url, files_dir)
        env = {"AAE_DATABASE_URL": url, "AAE_REDIS_URL": REDIS_URL, "AAE_RATE_LIMIT_API": "100000000/minute",
               "AAE_JOBS_INLINE_WORKER": "false", "AAE_STORAGE_LOCAL_DIR": files_dir, "AAE_ENV": "test",
               "PYTHONPATH": str(ROOT)}
        auth = {"Authorization": f"Bearer {token}"}
        for workers in args.workers:
            hello, hello_url = start_server(["bench._hello:app"], env, workers, args.server)
            api, api_url = start_server(["--factory", "backend.api:create_api"], env, workers, args.server)
            processes += [hello, api]
            targets = [
                ("bare ASGI hello", f"{hello_url}/hello", {}),
                ("GET /credits/balance", f"{api_url}/api/v1/credits/balance", auth),
                ("GET /creatives?limit=50", f"{api_url}/api/v1/creatives?limit=50", auth),
            ]
            results = []
            for label, target, headers in targets:
                load(target, headers, 8, 1.0)  # warm-up: connections, caches
                count, elapsed, latencies, failures = load(target, headers, args.clients, args.seconds)
                row = summary(label, count, elapsed, latencies)
                row["failures"] = failures
                results.append(row)
            base = results[0]["ops_per_s"]
            print(f"-- {args.server}, {workers} worker process(es) each for hello and the API --")
            for row in results:
                print(f"{row['name']:>24}: {row['ops_per_s']:8.0f} req/s   p50 {row['p50_ms']:6.1f} ms   "
                      f"p99 {row['p99_ms']:6.1f} ms   ratio to hello {row['ops_per_s'] / base:5.2f}   "
                      f"non-200: {row['failures']}")
            for process in (hello, api):
                stop(process)
        print(f"({args.clients} concurrent clients, {args.seconds:.0f} s each; targets: >= 0.5 of hello, p99 <= 50 ms)")
    finally:
        for process in processes:
            stop(process)
        drop_database(name)


if __name__ == "__main__":
    main()
