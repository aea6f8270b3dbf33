"""Brokers for job tests: a real Redis broker in its own namespace, and StubBrokers.

Retries use a tiny backoff (10 ms) so a job that fails four times finishes quickly; waiting
for it is a bounded poll, never a timing assertion.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from dramatiq import Broker

from tests.conftest import REDIS_URL
from workers.broker import build_broker, install_broker

TEST_MIN_BACKOFF_MS = 10
TEST_MAX_BACKOFF_MS = 100


@pytest.fixture()
def redis_broker(redis_client) -> Iterator[Broker]:
    namespace = f"aae-test-{uuid.uuid4().hex[:8]}"
    broker = build_broker(
        redis_url=REDIS_URL, namespace=namespace,
        min_backoff_ms=TEST_MIN_BACKOFF_MS, max_backoff_ms=TEST_MAX_BACKOFF_MS,
    )
    yield broker
    broker.close()
    for key in redis_client.scan_iter(f"{namespace}:*"):
        redis_client.delete(key)


@pytest.fixture()
def stub_broker() -> Iterator[Broker]:
    broker = build_broker(redis_url=None, min_backoff_ms=TEST_MIN_BACKOFF_MS, max_backoff_ms=TEST_MAX_BACKOFF_MS)
    yield broker
    broker.close()


@pytest.fixture(params=["redis", "stub"])
def any_broker(request) -> Broker:
    return request.getfixturevalue(f"{request.param}_broker")


@pytest.fixture()
def installed_stub_broker(stub_broker) -> Iterator[Broker]:
    """`stub_broker` as the process's broker (what `enqueue_after_commit` sends to)."""
    previous = install_broker(stub_broker)
    yield stub_broker
    install_broker(previous)

