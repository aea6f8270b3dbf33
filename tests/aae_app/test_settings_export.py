"""The Settings page's export section through Reflex's real event pipeline: the progress the job
commits reaches the browser while the export runs, and the watcher stops once it is ready."""

from __future__ import annotations

import asyncio

import pytest

from aae_app.state import settings as settings_module
from aae_app.state.auth import AuthState
from aae_app.state.settings import ExportView, SettingsState
from backend.db import unit_of_work
from backend.models import DataExport, ExportStatus
from backend.privacy import service as privacy
from tests.aae_app.test_chat import Pipeline
from tests.factories import make_user
from tests.workers.conftest import installed_stub_broker, stub_broker  # noqa: F401  (fixtures)
from workers import privacy as privacy_jobs


@pytest.fixture(autouse=True)
def _stub_broker(installed_stub_broker):  # noqa: F811
    return installed_stub_broker


@pytest.fixture()
def running_export(committed_engine) -> tuple[int, int]:
    with unit_of_work() as session:
        user = make_user(session)
        export_id = privacy.request_export(session, user_id=user.id).id
    with unit_of_work() as session:
        privacy.start_export(session, export_id=export_id)
    return user.id, export_id


async def _settings(pipeline: Pipeline) -> SettingsState:
    import reflex as rx

    root = await pipeline.manager.get_state(rx.BaseStateToken(ident=pipeline.token, cls=SettingsState))
    return root.get_substate(SettingsState.get_full_name().split(".")[1:])


def test_export_view_carries_the_progress(running_export):
    _, export_id = running_export
    with unit_of_work() as session:
        privacy.set_export_progress(session, export_id=export_id, progress=40)
    with unit_of_work() as session:
        view = ExportView.of(session.get(DataExport, export_id), "UTC")
    assert (view.status, view.progress, view.download_url) == ("running", 40, "")


async def test_watcher_shows_rising_progress_and_stops_when_ready(running_export, monkeypatch):
    user_id, export_id = running_export
    monkeypatch.setattr(settings_module, "EXPORT_POLL_SECONDS", 0)
    load = settings_module.load_export_view
    job_steps = iter([30, 70, "ready"])
    polled: list[tuple[str, int]] = []

    def job_moves_on_then_poll(uid: int, timezone: str) -> ExportView:
        step = next(job_steps)  # a fourth poll would raise here: the watcher must have stopped
        if step == "ready":
            privacy_jobs.export_user_data.fn(export_id)
        else:
            privacy_jobs.commit_export_progress(export_id, step)
        view = load(uid, timezone)
        polled.append((view.status, view.progress))
        return view

    monkeypatch.setattr(settings_module, "load_export_view", job_moves_on_then_poll)
    pipeline = Pipeline(user_id, "tok-settings-export")
    await pipeline.processor.__aenter__()
    try:
        await pipeline.run("require_login", AuthState)
        await pipeline.run("load", SettingsState)  # a running export: load chains the watcher
        for _ in range(200):
            state = await _settings(pipeline)
            if state.export.status == ExportStatus.READY and not state._watching_export:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the watcher did not finish")
    finally:
        await pipeline.processor.__aexit__(None, None, None)

    assert polled == [("running", 30), ("running", 70), ("ready", 100)]
    assert state.export.progress == 100 and state.export.download_url and not state.export_in_progress
    key = SettingsState.get_full_name()
    sent = [delta[key]["export_rx_state_"] for delta in pipeline.deltas
            if isinstance(delta, dict) and "export_rx_state_" in delta.get(key, {})]
    progress_sent = [export["progress"] if isinstance(export, dict) else export.progress for export in sent]
    assert progress_sent[-3:] == [30, 70, 100]
