"""A real dramatiq worker in a process of its own, for the fault tests:

    python -m tests.workers.worker_process

It runs every actor (`workers.setup()`) on the Redis broker the `AAE_*` settings of its
environment name, on one worker thread, until SIGTERM. With `AAE_TEST_HOLD_EXPORT_AT=<percent>`
and `AAE_TEST_HOLD_KEY=<redis key>`, the export job holds once its committed progress reaches
that percent: it sets the Redis key to "<pid>:<export id>:<progress>" and waits forever, so a
test knows the job is in progress at that exact point and can kill the process there.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

import redis
from dramatiq import Worker


def hold_export_at(percent: int, key: str, redis_url: str) -> None:
    from workers import privacy as privacy_jobs

    commit = privacy_jobs.commit_export_progress
    client = redis.Redis.from_url(redis_url)

    def commit_then_hold(export_id: int, progress: int) -> None:
        commit(export_id, progress)
        if progress >= percent:
            client.set(key, f"{os.getpid()}:{export_id}:{progress}")
            threading.Event().wait()  # until this process is killed

    privacy_jobs.commit_export_progress = commit_then_hold


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="worker %(process)d %(levelname)s %(name)s: %(message)s")
    import workers
    from backend.config import get_settings

    broker = workers.setup()
    if percent := os.environ.get("AAE_TEST_HOLD_EXPORT_AT"):
        hold_export_at(int(percent), os.environ["AAE_TEST_HOLD_KEY"], get_settings().redis_url)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    broker.emit_after("process_boot")
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    stopping.wait()
    worker.stop(timeout=10_000)
    broker.close()


if __name__ == "__main__":
    main()
