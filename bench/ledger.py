"""Ledger throughput on MariaDB: 64 concurrent clients deducting through the credit service,
against a raw PyMySQL conditional `UPDATE … WHERE balance >= x` loop with the same concurrency,
in the same run. Prints deductions/s, p50/p99 and the ratio.

    make bench            # or: .venv/bin/python bench/ledger.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import threading
import time
from decimal import Decimal

from _common import MYSQL_HOST, MYSQL_PORT, fresh_database, summary

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "64"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "32"))  # threads spread over processes: no GIL bottleneck
USERS = 256


def _service_worker(url: str, user_ids: list[int], threads: int, seconds: float, seed: int, out) -> None:
    from backend.config import reset_settings_cache

    os.environ["AAE_DATABASE_URL"] = url
    reset_settings_cache()
    from backend.credits import service as credits
    from backend.db import make_engine, unit_of_work

    engine = make_engine(url, pool_size=threads, max_overflow=0)
    deadline = time.perf_counter() + seconds
    results: list[tuple[int, list[float]]] = []

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        latencies: list[float] = []
        count = 0
        while time.perf_counter() < deadline:
            user_id = rng.choice(user_ids)
            start = time.perf_counter()
            with unit_of_work(engine) as session:
                credits.deduct(session, user_id=user_id, amount=Decimal("0.01"), operation_type="bench",
                               operation_id=f"b{seed}-{n}-{count}")
            latencies.append(time.perf_counter() - start)
            count += 1
        results.append((count, latencies))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    engine.dispose()
    out.put(results)


def _raw_worker(database: str, user_ids: list[int], threads: int, seconds: float, seed: int, out) -> None:
    import pymysql

    deadline = time.perf_counter() + seconds
    results: list[tuple[int, list[float]]] = []

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = pymysql.connect(host=MYSQL_HOST, port=MYSQL_PORT, user="root", database=database, autocommit=False)
        cur = conn.cursor()
        latencies: list[float] = []
        count = 0
        while time.perf_counter() < deadline:
            user_id = rng.choice(user_ids)
            start = time.perf_counter()
            cur.execute(
                "UPDATE users SET gifted_credits = gifted_credits - %s "
                "WHERE id = %s AND gifted_credits >= %s",
                ("0.01", user_id, "0.01"),
            )
            conn.commit()
            latencies.append(time.perf_counter() - start)
            count += 1
        conn.close()
        results.append((count, latencies))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put(results)


def run(target, args_for, seconds: float) -> tuple[int, float, list[float]]:
    out: mp.Queue = mp.Queue()
    per_process = CLIENTS // PROCESSES
    procs = [mp.Process(target=target, args=(*args_for, per_process, seconds, p, out)) for p in range(PROCESSES)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    collected = [out.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    count = sum(c for chunk in collected for c, _ in chunk)
    latencies = [lat for chunk in collected for _, lats in chunk for lat in lats]
    busy = max(seconds, 1e-9)
    return count, busy if elapsed > busy else elapsed, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    from tests.conftest import drop_database

    name, url = fresh_database()
    try:
        from sqlmodel import Session

        from backend.db import make_engine
        from backend.models import User

        engine = make_engine(url)
        with Session(engine) as session:
            users = [User(email=f"bench{i}@example.com", display_name=f"Bench {i}", oauth_provider="bench",
                          oauth_id=str(i), gifted_credits=Decimal("1000000"), notification_preferences={})
                     for i in range(USERS)]
            session.add_all(users)
            session.commit()
            user_ids = [u.id for u in users]
        engine.dispose()

        raw = summary("raw conditional UPDATE", *run(_raw_worker, (name, user_ids), args.seconds))
        svc = summary("credit service deduct", *run(_service_worker, (url, user_ids), args.seconds))
        for row in (raw, svc):
            print(f"{row['name']:>26}: {row['ops_per_s']:8.0f} deductions/s   p50 {row['p50_ms']:6.1f} ms"
                  f"   p99 {row['p99_ms']:6.1f} ms   ({row['ops']} ops, {CLIENTS} clients)")
        ratio = svc["ops_per_s"] / raw["ops_per_s"] if raw["ops_per_s"] else 0.0
        print(f"ratio service/raw: {ratio:.2f}   (targets: >= 1000 deductions/s and >= 0.30 of raw)")
    finally:
        drop_database(name)


if __name__ == "__main__":
    main()
