"""GET /api/v1/users/me/export: the export's progress while the job runs, then the download link."""

from __future__ import annotations

import pytest

from backend.db import unit_of_work
from backend.privacy import service as privacy
from tests.api.test_endpoints import ok
from tests.workers.conftest import installed_stub_broker, stub_broker  # noqa: F401  (fixtures)
from workers import privacy as privacy_jobs


@pytest.fixture(autouse=True)
def _stub_broker(installed_stub_broker):  # noqa: F811
    """The export job (and the job's "ready" email) go to a StubBroker."""
    return installed_stub_broker


def test_progress_while_running_then_100_with_the_link(client, alice):
    started = ok(client.post("/api/v1/users/me/export", headers=alice.headers), 202)
    assert (started["status"], started["progress"]) == ("pending", 0)
    with unit_of_work() as session:
        privacy.start_export(session, export_id=started["id"])
    with unit_of_work() as session:
        privacy.set_export_progress(session, export_id=started["id"], progress=40)
    running = ok(client.get("/api/v1/users/me/export", headers=alice.headers))
    assert (running["status"], running["progress"], running["download_url"]) == ("running", 40, None)

    privacy_jobs.export_user_data.fn(started["id"])
    ready = ok(client.get("/api/v1/users/me/export", headers=alice.headers))
    assert (ready["status"], ready["progress"]) == ("ready", 100) and ready["download_url"]


def test_an_unfinished_export_has_no_link_expiry(client, alice):
    """`expires_at` is when the download link expires: null while the export is pending or
    running (the run's lease, renewed at each step, is kept apart and not shown)."""
    started = ok(client.post("/api/v1/users/me/export", headers=alice.headers), 202)
    assert started["expires_at"] is None
    pending = ok(client.get("/api/v1/users/me/export", headers=alice.headers))
    assert (pending["status"], pending["expires_at"]) == ("pending", None)
    with unit_of_work() as session:
        privacy.start_export(session, export_id=started["id"])
    with unit_of_work() as session:
        privacy.set_export_progress(session, export_id=started["id"], progress=60)
    running = ok(client.get("/api/v1/users/me/export", headers=alice.headers))
    assert (running["status"], running["expires_at"], running["download_url"]) == ("running", None, None)
    assert "lease_expires_at" not in running

    privacy_jobs.export_user_data.fn(started["id"])
    ready = ok(client.get("/api/v1/users/me/export", headers=alice.headers))
    assert ready["status"] == "ready" and ready["expires_at"] is not None and ready["download_url"]
