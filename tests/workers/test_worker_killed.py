"""Fault: a worker killed mid-job. The job runs again and nothing is applied twice.

Real components only: the Redis broker, dramatiq worker *processes*
(`tests/workers/worker_process.py`), MariaDB and the file storage. The export job is held at a
known point by a test-only hook in the first worker process (it reports the point through a Redis
key), that process is SIGKILLed there, and a fresh worker picks the message up again once the
dead worker's heartbeat has expired (`AAE_JOBS_HEARTBEAT_TIMEOUT_MS`, checked on every broker
command here: `AAE_JOBS_MAINTENANCE_CHANCE=1000000`). Every wait is a bounded poll.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from sqlmodel import Session, select

from backend.config import PROJECT_ROOT
from backend.creatives import service as creatives
from backend.db import unit_of_work
from backend.integrations.storage import BucketKind, get_storage
from backend.models import DataExport, EmailOutbox, EmailStatus, ExportStatus, JobFailure, Notification
from backend.privacy import service as privacy
from tests.conftest import REDIS_URL
from tests.creatives.test_service import png
from tests.factories import bind_sandbox_accounts, make_user
from tests.workers.helpers import wait_for
from workers.broker import build_broker, install_broker

HEARTBEAT_TIMEOUT_MS = 2_000
# Every test session flushes the suite's Redis database (tests/conftest.py) when it starts and
# ends, and the production-shape browser run flushes its own (14 unless told otherwise); a flush
# meanwhile (another run on the same Redis) would wipe the dead worker's unacknowledged message.
# This test's namespace lives in a database of its own, which nothing flushes.
KILL_TEST_REDIS_DB = int(os.environ.get("AAE_TEST_KILL_REDIS_DB", "10"))
KILL_TEST_REDIS_URL = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{KILL_TEST_REDIS_DB}"))
READY_TITLE = "Your data export is ready"


@contextmanager
def worker_process(env: dict[str, str], log_path) -> Iterator[subprocess.Popen]:
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "tests.workers.worker_process"], cwd=PROJECT_ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


@pytest.fixture()
def isolated_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(KILL_TEST_REDIS_URL)
    client.ping()
    yield client
    client.close()


@pytest.fixture()
def namespace(isolated_redis) -> Iterator[str]:
    name = f"aae-test-kill-{uuid.uuid4().hex[:8]}"
    yield name
    for key in isolated_redis.scan_iter(f"{name}:*"):
        isolated_redis.delete(key)


@pytest.fixture()
def worker_env(committed_engine, database_url, namespace) -> dict[str, str]:
    return {
        **os.environ,
        "AAE_DATABASE_URL": database_url,
        "AAE_REDIS_URL": KILL_TEST_REDIS_URL,
        "AAE_JOBS_REDIS_NAMESPACE": namespace,
        "AAE_JOBS_HEARTBEAT_TIMEOUT_MS": str(HEARTBEAT_TIMEOUT_MS),
        "AAE_JOBS_MAINTENANCE_CHANCE": "1000000",
    }


def _export_requested_on(namespace: str) -> tuple[int, int]:
    """A user with data and a requested export; the job's message goes to `namespace` on Redis."""
    broker = build_broker(redis_url=KILL_TEST_REDIS_URL, namespace=namespace)
    previous = install_broker(broker)
    try:
        with unit_of_work() as session:
            user = make_user(session)
            bind_sandbox_accounts(session, user)
            creatives.create_from_bytes(session, user_id=user.id, data=png(), name="Hero")
            export_id = privacy.request_export(session, user_id=user.id).id
            return user.id, export_id
    finally:
        install_broker(previous)
        broker.close()


def _export(engine, export_id: int) -> DataExport:
    with Session(engine) as session:
        return session.get(DataExport, export_id)


def _queue_empty(client: redis.Redis, namespace: str) -> bool:
    """No message left in the namespace's queues: the job (and the email it sent) were acknowledged."""
    return not any(client.hlen(key) for key in client.scan_iter(f"{namespace}:*.msgs"))


@pytest.mark.parametrize("kill_at", [40, 95], ids=["mid-categories", "archive-stored-not-committed"])
def test_export_worker_killed_mid_job_runs_again_and_applies_once(
    committed_engine, isolated_redis, namespace, worker_env, kill_at, tmp_path
):
    """Killed at 40 % (categories half written) or at 95 % (the archive stored, the export not yet
    committed ready): a fresh worker runs the job again to the end, and there is one ready export,
    one archive, one "ready" notification and one email."""
    user_id, export_id = _export_requested_on(namespace)
    hold_key = f"{namespace}:held"
    log_path = tmp_path / "workers.log"

    with worker_process({**worker_env, "AAE_TEST_HOLD_EXPORT_AT": str(kill_at), "AAE_TEST_HOLD_KEY": hold_key},
                        log_path) as first:
        held = wait_for(lambda: isolated_redis.get(hold_key), timeout=60)
        pid, held_export, progress = (int(part) for part in held.decode().split(":"))
        assert (pid, held_export, progress) == (first.pid, export_id, kill_at)
        in_progress = _export(committed_engine, export_id)
        assert (in_progress.status, in_progress.progress) == (ExportStatus.RUNNING, kill_at)
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL

    with worker_process(worker_env, log_path) as second:
        wait_for(lambda: _export(committed_engine, export_id).status == ExportStatus.READY, timeout=60)
        wait_for(lambda: _queue_empty(isolated_redis, namespace), timeout=60)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, log_path.read_text()

    with Session(committed_engine) as session:
        exports = session.exec(select(DataExport).where(DataExport.user_id == user_id)).all()
        assert [(e.id, e.status, e.progress) for e in exports] == [(export_id, ExportStatus.READY, 100)]
        ready = session.exec(select(Notification).where(Notification.user_id == user_id,
                                                        Notification.title == READY_TITLE)).all()
        assert len(ready) == 1
        emails = session.exec(select(EmailOutbox).where(EmailOutbox.user_id == user_id,
                                                        EmailOutbox.subject == READY_TITLE)).all()
        assert [e.status for e in emails] == [EmailStatus.SENT]
        failures = session.exec(select(JobFailure).where(JobFailure.actor_name == "privacy.export_user_data")).all()
        assert [f for f in failures if f.args == [export_id]] == []
        key = exports[0].storage_key

    storage = get_storage()
    archive_path = storage.path_for(BucketKind.EXPORTS, key)
    assert [p.name for p in archive_path.parent.iterdir()] == [archive_path.name]  # one archive, no orphan
    names = zipfile.ZipFile(io.BytesIO(storage.get_bytes(BucketKind.EXPORTS, key))).namelist()
    assert {f"{c}.json" for c in privacy.EXPORT_CATEGORIES} <= set(names)
    assert any(name.startswith("creatives/") for name in names)
