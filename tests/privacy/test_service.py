"""The data export's progress: the job commits it category by category, so another session (the
Settings page, the REST API) sees it rise while the export's own transaction is still open."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from backend.creatives import service as creatives
from backend.db import unit_of_work
from backend.models import DataExport, ExportStatus
from backend.privacy import service as privacy
from tests.creatives.test_service import png
from tests.factories import bind_sandbox_accounts, make_user
from workers import privacy as privacy_jobs


@pytest.fixture(autouse=True)
def _stub_broker(installed_stub_broker):
    """The "export ready" notification's email job goes to a StubBroker."""
    return installed_stub_broker


def _requested_export(**user_fields) -> int:
    with unit_of_work() as session:
        user = make_user(session, **user_fields)
        bind_sandbox_accounts(session, user)
        creatives.create_from_bytes(session, user_id=user.id, data=png(), name="Hero")
        return privacy.request_export(session, user_id=user.id).id


class TestExportJobProgress:
    def test_each_step_is_committed_and_seen_by_another_session(self, committed_engine, monkeypatch):
        export_id = _requested_export()
        seen: list[tuple[str, int]] = []
        commit = privacy_jobs.commit_export_progress

        def commit_then_look(exported_id: int, progress: int) -> None:
            commit(exported_id, progress)
            with Session(committed_engine) as other:  # a second connection, as the Settings page
                row = other.get(DataExport, exported_id)
                seen.append((row.status, row.progress))

        monkeypatch.setattr(privacy_jobs, "commit_export_progress", commit_then_look)
        privacy_jobs.export_user_data.fn(export_id)

        assert [status for status, _ in seen] == ["running"] * 10
        progress = [value for _, value in seen]
        assert progress == [10, 20, 30, 40, 50, 60, 70, 80, 90, 95]
        with Session(committed_engine) as other:
            done = other.get(DataExport, export_id)
            assert (done.status, done.progress) == (ExportStatus.READY, 100)

    def test_a_run_again_starts_over_with_the_same_archive_key(self, committed_engine):
        export_id = _requested_export()
        with unit_of_work() as session:
            first = privacy.start_export(session, export_id=export_id)
            key = first.storage_key
            privacy.set_export_progress(session, export_id=export_id, progress=60)
        with unit_of_work() as session:
            again = privacy.start_export(session, export_id=export_id)
            assert (again.status, again.progress, again.storage_key) == (ExportStatus.RUNNING, 0, key)
        privacy_jobs.export_user_data.fn(export_id)
        with unit_of_work() as session:
            done = session.get(DataExport, export_id)
            assert done.storage_key == key and done.status == ExportStatus.READY
            assert privacy.start_export(session, export_id=export_id) is None  # a ready export is left alone


class TestProgressAndFailure:
    def test_progress_is_clamped_and_only_moves_a_running_export(self, session):
        user = make_user(session)
        export = DataExport(user_id=user.id)
        session.add(export)
        session.flush()
        privacy.set_export_progress(session, export_id=export.id, progress=50)
        session.refresh(export)
        assert export.progress == 0  # still pending: nothing runs yet
        privacy.start_export(session, export_id=export.id)
        privacy.set_export_progress(session, export_id=export.id, progress=250)
        session.refresh(export)
        assert export.progress == 100

    def test_fail_export_marks_it_failed_and_names_its_owner(self, session):
        user = make_user(session)
        export = DataExport(user_id=user.id, status=ExportStatus.RUNNING, progress=40)
        session.add(export)
        session.flush()
        assert privacy.fail_export(session, export_id=export.id, error="StorageError: down") == user.id
        assert export.status == ExportStatus.FAILED and export.error == "StorageError: down"
        # a new export can be requested once the last one failed
        assert privacy.request_export(session, user_id=user.id).id != export.id

    def test_fail_export_leaves_a_ready_export_alone(self, session):
        user = make_user(session)
        export = DataExport(user_id=user.id, status=ExportStatus.READY, progress=100)
        session.add(export)
        session.flush()
        assert privacy.fail_export(session, export_id=export.id, error="late") is None
        assert export.status == ExportStatus.READY
        assert privacy.fail_export(session, export_id=10**12, error="gone") is None
