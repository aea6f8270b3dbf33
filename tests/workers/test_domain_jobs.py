"""The domain jobs, run as a worker would run them, on committed MariaDB data and real storage."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from dramatiq import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from backend.campaigns import service as campaigns
from backend.campaigns.service import CampaignData
from backend.creatives import service as creatives
from backend.db import unit_of_work
from backend.integrations.storage import BucketKind, LocalStorage, get_storage
from backend.landing_pages import service as pages
from backend.landing_pages.service import PageData
from backend.models import (
    AdAccount,
    AdAccountStatus,
    Campaign,
    CreditTransaction,
    DataExport,
    EmailOutbox,
    ExportStatus,
    MetricsDaily,
    Notification,
    RefreshToken,
    SyncStatus,
    User,
    UserStatus,
)
from backend.privacy import service as privacy
from backend.security.crypto import encrypt_token
from tests.creatives.test_service import png
from tests.factories import bind_sandbox_accounts, make_ad_account, make_user
from workers import ad_accounts as ad_account_jobs
from workers import campaigns as campaign_jobs
from workers import privacy as privacy_jobs
from workers import reports as report_jobs


@pytest.fixture(autouse=True)
def _stub_broker(installed_stub_broker):
    """Jobs that enqueue other jobs send them to a StubBroker the test can inspect."""
    return installed_stub_broker


def sent_messages(broker, actor_name: str) -> list[Message]:
    """Messages waiting in a StubBroker's queues for this actor."""
    messages = []
    for queue in broker.queues.values():
        for raw in list(queue.queue):
            message = Message.decode(raw) if isinstance(raw, bytes) else raw
            if message.actor_name == actor_name:
                messages.append(message)
    return messages


def committed_user(**kwargs) -> int:
    with unit_of_work() as session:
        return make_user(session, **kwargs).id


class TestTokenRefreshJobs:
    def test_property_3_periodic_job_enqueues_every_account_due(self, committed_engine, installed_stub_broker):
        """Property 3: the hourly job attempts a refresh for every account expiring within 24 hours."""
        with unit_of_work() as session:
            user = make_user(session)
            soon = make_ad_account(session, user, token_expires_at=datetime.now(UTC) + timedelta(hours=3)).id
            later = make_ad_account(session, user, token_expires_at=datetime.now(UTC) + timedelta(days=5)).id
        ad_account_jobs.refresh_expiring_tokens.fn()
        sent = {m.args[0] for m in sent_messages(installed_stub_broker, "ad_accounts.refresh_token")}
        assert soon in sent and later not in sent

    def test_property_4_refused_refresh_pauses_flags_and_notifies_twice(self, committed_engine):
        """Property 4: a failed refresh pauses the account's operations, sets the banner, and sends
        an urgent notification in-app and by email."""
        with unit_of_work() as session:
            user = make_user(session)
            account = make_ad_account(session, user, platform_account_id="sbx-1001", access_token="sbx-at-revoked",
                                      refresh_token_encrypted=encrypt_token("sbx-rt-revoked"),
                                      token_expires_at=datetime.now(UTC) + timedelta(hours=1))
            session.add(Campaign(user_id=user.id, ad_account_id=account.id, platform="sandbox", name="C",
                                 objective="sales", budget=Decimal("5")))
            user_id, account_id = user.id, account.id
        ad_account_jobs.refresh_token.fn(account_id)
        with Session(committed_engine) as session:
            account = session.get(AdAccount, account_id)
            assert account.status == AdAccountStatus.EXPIRED and account.needs_attention
            assert all(c.automation_paused for c in session.exec(select(Campaign).where(Campaign.ad_account_id == account_id)))
            note = session.exec(select(Notification).where(Notification.user_id == user_id,
                                                           Notification.category == "ad_accounts")).one()
            assert note.type == "urgent" and set(note.sent_via) == {"in_app", "email"}
            mail = session.exec(select(EmailOutbox).where(EmailOutbox.user_id == user_id)).one()
            assert "Reconnect" in mail.subject


class TestCampaignAndReportJobs:
    def test_campaign_sync_job(self, committed_engine):
        with unit_of_work() as session:
            user = make_user(session)
            account = bind_sandbox_accounts(session, user)[0]
            campaign_id = campaigns.create(session, user_id=user.id, data=CampaignData(
                ad_account_id=account.id, name="Job sync", objective="traffic", budget="9")).id
        campaign_jobs.sync.fn(campaign_id)
        with Session(committed_engine) as session:
            campaign = session.get(Campaign, campaign_id)
            assert campaign.sync_status == SyncStatus.SYNCED and campaign.platform_campaign_id

    def test_metrics_sync_stores_platform_data(self, committed_engine):
        with unit_of_work() as session:
            user = make_user(session)
            account_id = bind_sandbox_accounts(session, user)[0].id
        report_jobs.sync_account.fn(account_id)
        report_jobs.sync_account.fn(account_id)  # idempotent: upserts, no duplicates
        with Session(committed_engine) as session:
            days = session.exec(select(MetricsDaily).where(MetricsDaily.ad_account_id == account_id)).all()
            assert days and len({(d.entity_id, d.day) for d in days}) == len(days)
            assert session.get(AdAccount, account_id).last_synced_at is not None


class TestExport:
    def test_property_28_export_contains_every_category(self, committed_engine):
        """Property 28: the export ZIP holds profile, ad accounts, credits, creatives, landing pages,
        campaigns and reports (and the creative files)."""
        with unit_of_work() as session:
            user = make_user(session)
            account = bind_sandbox_accounts(session, user)[0]
            creative = creatives.create_from_bytes(session, user_id=user.id, data=png(), name="Hero")
            pages.create(session, user_id=user.id, data=PageData(name="LP", product_url="https://x.test"))
            campaigns.create(session, user_id=user.id, data=CampaignData(ad_account_id=account.id, name="C",
                                                                         objective="sales", budget="5"))
            export_id = privacy.request_export(session, user_id=user.id).id
            user_id, creative_id = user.id, creative.id
        report_jobs.sync_account.fn(account.id)
        privacy_jobs.export_user_data.fn(export_id)
        with Session(committed_engine) as session:
            export = session.get(DataExport, export_id)
            assert export.status == ExportStatus.READY
            data = get_storage().get_bytes(BucketKind.EXPORTS, export.storage_key)
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        for category in ("profile", "ad_accounts", "credits", "creatives", "landing_pages", "campaigns", "reports",
                         "notifications", "chat_history"):
            assert f"{category}.json" in names
        csv_lines = archive.read("reports/metrics_daily.csv").decode().splitlines()
        assert csv_lines[0].startswith("day,ad_account_id") and len(csv_lines) > 1
        assert json.loads(archive.read("profile.json"))["id"] == user_id
        assert "oauth_id" not in json.loads(archive.read("profile.json"))
        accounts = json.loads(archive.read("ad_accounts.json"))
        assert accounts and all("access_token_encrypted" not in a for a in accounts)
        assert json.loads(archive.read("credits.json"))["transactions"]
        assert json.loads(archive.read("reports.json"))["daily"]
        assert any(n.startswith(f"creatives/{creative_id}-") for n in names)

    @given(hours=st.floats(min_value=0, max_value=48, allow_nan=False))
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=100, deadline=None)
    def test_property_29_link_expires_after_24_hours(self, session, tmp_path, hours):
        """Property 29: an export's download link works for 24 hours and never after."""
        made = datetime(2026, 11, 26, 12, tzinfo=UTC)
        asked = made + timedelta(hours=hours)
        storage = LocalStorage(tmp_path, base_url="http://127.0.0.1:3000", clock=lambda: asked)
        user = make_user(session)
        export = DataExport(user_id=user.id)
        session.add(export)
        session.flush()
        privacy.complete_export(session, export=export, storage=storage, now=made)
        assert export.expires_at == made + timedelta(hours=24)
        url = privacy.download_url(export, storage=storage, now=asked)
        assert (url is not None) == (hours < 24)
        if url is not None:
            expires = int(httpx.URL(url).params.get("expires", "0"))
            assert expires <= int((made + timedelta(hours=24)).timestamp()) + 1

    def test_cleanup_deletes_expired_files(self, session, tmp_path):
        storage = LocalStorage(tmp_path, base_url="http://127.0.0.1:3000")
        user = make_user(session)
        export = DataExport(user_id=user.id)
        session.add(export)
        session.flush()
        made = datetime.now(UTC) - timedelta(hours=25)
        privacy.complete_export(session, export=export, storage=storage, now=made)
        key = export.storage_key
        assert privacy.expire_exports(session, storage=storage) >= 1
        assert export.status == ExportStatus.EXPIRED and not storage.exists(BucketKind.EXPORTS, key)


def _user_with_everything() -> tuple[int, list[tuple[BucketKind, str]]]:
    with unit_of_work() as session:
        user = make_user(session)
        account = bind_sandbox_accounts(session, user)[0]
        for name in ("a", "b"):
            creatives.create_from_bytes(session, user_id=user.id, data=png(), name=name)
        page = pages.create(session, user_id=user.id, data=PageData(name="LP", product_url="https://x.test"))
        pages.publish(session, user_id=user.id, page_id=page.id)
        campaigns.create(session, user_id=user.id, data=CampaignData(ad_account_id=account.id, name="C",
                                                                     objective="sales", budget="5"))
        session.add(RefreshToken(user_id=user.id, family_id="f", token_hash=f"h{user.id}",
                                 expires_at=datetime.now(UTC) + timedelta(days=1)))
        user.status = UserStatus.DELETING
        session.add(user)
        objects = privacy.stored_objects_of(session, user_id=user.id)
        return user.id, objects


class TestDeletion:
    def test_property_30_deletion_removes_all_rows_and_files(self, committed_engine):
        """Property 30: deleting an account removes all its data from the database and storage, and its sessions."""
        user_id, objects = _user_with_everything()
        assert len(objects) == 3
        privacy_jobs.delete_account.fn(user_id)
        storage = get_storage()
        assert not any(storage.exists(kind, key) for kind, key in objects)
        with Session(committed_engine) as session:
            assert session.get(User, user_id) is None
            for model in (AdAccount, Campaign, CreditTransaction, RefreshToken, Notification, EmailOutbox):
                count = session.exec(select(func.count()).select_from(model).where(model.user_id == user_id)).one()
                assert count == 0, model.__name__

    def test_property_31_failure_rolls_back_and_notifies(self, committed_engine, monkeypatch):
        """Property 31: a deletion failing part-way rolls everything back — rows and files — and
        tells the user."""
        user_id, objects = _user_with_everything()
        real_record = privacy.record

        def failing_record(session, **kwargs):  # the last step before the user row goes
            if kwargs.get("action") == "user.deleted":
                raise RuntimeError("database went away")
            return real_record(session, **kwargs)

        monkeypatch.setattr(privacy, "record", failing_record)
        privacy_jobs.delete_account.fn(user_id)
        storage = get_storage()
        with Session(committed_engine) as session:
            user = session.get(User, user_id)
            assert user is not None and user.status == UserStatus.ACTIVE
            assert session.exec(select(func.count()).select_from(Campaign).where(Campaign.user_id == user_id)).one() == 1
            assert session.exec(select(func.count()).select_from(RefreshToken)
                                .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))).one() == 1
            note = session.exec(select(Notification).where(Notification.user_id == user_id,
                                                           Notification.category == "privacy")).one()
            assert note.type == "urgent" and "email" in note.sent_via
        assert all(storage.exists(kind, key) for kind, key in objects)  # no file was touched
        # the retry, with the database healthy again, finishes the job
        monkeypatch.undo()
        with unit_of_work() as session:
            session.get(User, user_id).status = UserStatus.DELETING
        privacy_jobs.delete_account.fn(user_id)
        with Session(committed_engine) as session:
            assert session.get(User, user_id) is None
        assert not any(storage.exists(kind, key) for kind, key in objects)

    def test_files_that_fail_after_the_commit_are_retried(self, committed_engine, installed_stub_broker, monkeypatch):
        user_id, objects = _user_with_everything()
        monkeypatch.setattr(privacy, "delete_objects", lambda objs, storage=None: [(str(k), key) for k, key in objs])
        privacy_jobs.delete_account.fn(user_id)
        with Session(committed_engine) as session:
            assert session.get(User, user_id) is None  # the data is gone regardless
        retries = sent_messages(installed_stub_broker, "privacy.delete_objects")
        assert len(retries) == 1 and len(retries[0].args[0]) == len(objects)
        monkeypatch.undo()
        privacy_jobs.delete_objects.fn(retries[0].args[0])
        assert not any(get_storage().exists(kind, key) for kind, key in objects)


class TestHousekeeping:
    def test_unconfirmed_uploads_are_purged(self, committed_engine):
        from backend.models import Creative, CreativeStatus
        from workers import creatives as creative_jobs

        with unit_of_work() as session:
            user = make_user(session)
            stale, _ = creatives.request_upload(session, user_id=user.id, filename="a.png", content_type="image/png",
                                                size=10)
            stale.created_at = datetime.now(UTC) - timedelta(hours=7)
            fresh, _ = creatives.request_upload(session, user_id=user.id, filename="b.png", content_type="image/png",
                                                size=10)
            stale_id, fresh_id = stale.id, fresh.id
        creative_jobs.purge_stale_pending.fn()
        with Session(committed_engine) as session:
            assert session.get(Creative, stale_id) is None
            assert session.get(Creative, fresh_id).status == CreativeStatus.PENDING

    def test_every_scheduled_actor_exists(self):
        import sys

        import dramatiq

        import workers
        from workers.scheduler import PERIODIC_JOBS

        names = workers.load_actor_modules()
        declared = {value.actor_name for name in names for value in vars(sys.modules[name]).values()
                    if isinstance(value, dramatiq.Actor)}
        assert {job.actor_name for job in PERIODIC_JOBS} <= declared
