"""Running a real dramatiq worker in-process, and waiting for it with a bounded poll."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from dramatiq import Broker, Worker


@contextmanager
def running_worker(broker: Broker, threads: int = 2) -> Iterator[Worker]:
    broker.emit_after("process_boot")
    worker = Worker(broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop(timeout=10_000)


def wait_for(predicate: Callable[[], object], *, timeout: float = 30.0, interval: float = 0.05) -> object:
    """Poll until `predicate()` is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(interval)
