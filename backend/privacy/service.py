"""GDPR requests: data export and account deletion. The work itself runs in jobs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from backend.audit.service import AuditAction, RequestContext, record
from backend.errors import Conflict, ValidationFailed
from backend.integrations.storage import BucketKind, Storage, get_storage
from backend.jobs.enqueue import enqueue_after_commit
from backend.models import AuditLog, DataExport, EmailOutbox, ExportStatus, User, UserStatus
from backend.users.service import get_or_raise

EXPORT_ACTOR = "privacy.export_user_data"
DELETE_ACTOR = "privacy.delete_account"
EXPORT_LINK_SECONDS = 24 * 3600
IN_PROGRESS = (ExportStatus.PENDING, ExportStatus.RUNNING)
# A lost export job (its message gone with a wiped Redis, or with the embedded StubBroker when the
# app stopped) would leave the export pending/running for ever, and that blocks new requests.
# While an export is in progress its run therefore holds a *lease* (`lease_expires_at`): the run
# sets it to now + EXPORT_LEASE when it starts and at every progress step; once it has passed
# with the export still in progress, nothing is working on it and `requeue_stale_exports`
# enqueues the job again. The lease must outlast a live run's longest silence between two steps:
# one category, or storing the archive, stays under dramatiq's 10-minute time limit. The lease
# is cleared when the export is ready or failed; `expires_at` is only the download link's expiry.
EXPORT_LEASE = timedelta(minutes=15)
# An export still in progress this long after it was requested is given up (failed, its owner
# told), so that the user can ask again; a run takes minutes.
EXPORT_GIVE_UP_AFTER = timedelta(hours=24)
STUCK_EXPORTS_BATCH = 200


def request_export(session: Session, *, user_id: int, context: RequestContext | None = None) -> DataExport:
    """A new export, or the one already in progress (one at a time per user)."""
    running = session.exec(select(DataExport).where(
        DataExport.user_id == user_id, col(DataExport.status).in_([ExportStatus.PENDING, ExportStatus.RUNNING])
    )).first()
    if running is not None:
        return running
    export = DataExport(user_id=user_id)
    session.add(export)
    session.flush()
    record(session, action=AuditAction.DATA_EXPORT_REQUESTED, user_id=user_id, context=context,
           details={"export_id": export.id})
    enqueue_after_commit(session, EXPORT_ACTOR, export.id)
    return export


def latest_export(session: Session, *, user_id: int) -> DataExport | None:
    return session.exec(select(DataExport).where(DataExport.user_id == user_id)
                        .order_by(col(DataExport.id).desc()).limit(1)).first()


def download_url(export: DataExport, *, storage: Storage | None = None, now: datetime | None = None) -> str | None:
    """A signed link valid until the export expires (24 h after it was made, Property 29)."""
    now = now or datetime.now(UTC)
    if export.status != ExportStatus.READY or not export.storage_key or not export.expires_at:
        return None
    remaining = int((export.expires_at - now).total_seconds())
    if remaining <= 0:
        return None
    return (storage or get_storage()).presigned_get(BucketKind.EXPORTS, export.storage_key,
                                                    expires=min(remaining, EXPORT_LINK_SECONDS))


def request_deletion(
    session: Session, *, user_id: int, confirm_email: str, context: RequestContext | None = None
) -> User:
    """Mark the account for deletion and enqueue the job that deletes everything."""
    user = get_or_raise(session, user_id)
    if confirm_email.strip().lower() != user.email.lower():
        raise ValidationFailed("Type your account's email to confirm", details={"field": "confirm_email"})
    if user.status == UserStatus.DELETING:
        raise Conflict("Deletion is already in progress")
    user.status = UserStatus.DELETING
    session.add(user)
    session.flush()
    record(session, action=AuditAction.USER_DELETE_REQUESTED, user_id=user_id, context=context)
    enqueue_after_commit(session, DELETE_ACTOR, user.id)
    return user


# --- the export job's work (Properties 28, 29) -----------------------------------------------

EXPORT_CATEGORIES = ("profile", "ad_accounts", "credits", "creatives", "landing_pages", "campaigns", "reports",
                     "notifications", "chat_history")
METRICS_CSV_COLUMNS = ("day", "ad_account_id", "entity_type", "entity_id", "entity_name", "impressions", "clicks",
                       "spend", "conversions", "revenue")
# Progress: the categories share 0-90 %, the stored archive is 95 %, the ready export 100 %.
CATEGORIES_SHARE = 90
STORED_PROGRESS = 95
DONE_PROGRESS = 100

ProgressReporter = Callable[[int], None]


def start_export(session: Session, *, export_id: int, storage: Storage | None = None) -> DataExport | None:
    """Mark the export running (again, when the job is retried or redelivered), its progress at 0;
    None when there is nothing to do (gone, ready, failed or expired).

    The archive's key is chosen on the first run and kept, so a run that dies after storing the
    file overwrites that same object when it runs again instead of leaving a second one behind.
    """
    from backend.integrations.storage import object_key

    export = session.get(DataExport, export_id, with_for_update=True)
    if export is None or export.status not in IN_PROGRESS:
        return None
    export.status = ExportStatus.RUNNING
    export.progress = 0
    export.lease_expires_at = datetime.now(UTC) + EXPORT_LEASE  # the run's lease, renewed at each step
    export.storage_key = export.storage_key or object_key(BucketKind.EXPORTS, export.user_id, suffix=".zip")
    session.add(export)
    session.flush()
    return export


def set_export_progress(session: Session, *, export_id: int, progress: int) -> None:
    """Record how far a running export is (0-100) and renew its run's lease (`EXPORT_LEASE`); the
    job commits it at once in its own transaction."""
    session.execute(sql_update(DataExport)
                    .where(DataExport.id == export_id, DataExport.status == ExportStatus.RUNNING)
                    .values(progress=max(0, min(int(progress), DONE_PROGRESS)),
                            lease_expires_at=datetime.now(UTC) + EXPORT_LEASE))


def fail_export(session: Session, *, export_id: int, error: str) -> int | None:
    """The export job gave up: the export is failed (the user may request a new one). Returns the
    user to tell, or None when the export is gone or was not in progress."""
    export = session.get(DataExport, export_id, with_for_update=True)
    if export is None or export.status not in IN_PROGRESS:
        return None
    export.status = ExportStatus.FAILED
    export.error = error[:2000]
    export.lease_expires_at = None  # no run holds it any more
    session.add(export)
    session.flush()
    return export.user_id


def build_export_archive(session: Session, *, user_id: int, storage: Storage | None = None,
                         on_progress: ProgressReporter | None = None) -> bytes:
    """A ZIP with one JSON file per data category (and the creatives' files themselves).

    `on_progress(percent)` is called after each category (10 %, 20 % ... 90 %).
    """
    import io
    import zipfile

    storage = storage or get_storage()
    user = get_or_raise(session, user_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", "Your AAE Web Platform data, one JSON file per category.\n"
                                       "reports/metrics_daily.csv has your daily metrics as a spreadsheet.\n"
                                       "creatives/ holds the files of your creative library.\n")
        sections = _write_categories(session, user=user, archive=archive, storage=storage)
        for done, _category in enumerate(sections, start=1):
            if on_progress is not None:
                on_progress(done * CATEGORIES_SHARE // len(EXPORT_CATEGORIES))
    return buffer.getvalue()


def _write_categories(session: Session, *, user: User, archive, storage: Storage) -> Iterator[str]:
    """Write the categories into `archive` in `EXPORT_CATEGORIES` order, yielding each one's name
    once it is written."""
    import json

    from backend.integrations.storage import ObjectNotFound
    from backend.models import (
        AdAccount,
        Campaign,
        ChatMessage,
        Creative,
        CreditTransaction,
        LandingPage,
        MetricsArchive,
        MetricsDaily,
        Notification,
    )

    def rows(model, *, exclude: set[str] = frozenset()) -> list[dict]:
        items = session.exec(select(model).where(model.user_id == user.id).order_by(col(model.id))).all()
        return [{k: v for k, v in item.model_dump(mode="json").items() if k not in exclude} for item in items]

    def write(category: str, payload: object) -> str:
        archive.writestr(f"{category}.json", json.dumps(payload, indent=2, ensure_ascii=False))
        return category

    yield write("profile", user.model_dump(mode="json", exclude={"oauth_id"}))
    yield write("ad_accounts", rows(AdAccount, exclude={"access_token_encrypted", "refresh_token_encrypted"}))
    yield write("credits", {"balance": {"gifted": str(user.gifted_credits), "purchased": str(user.purchased_credits)},
                            "transactions": rows(CreditTransaction)})
    creatives = rows(Creative)
    write("creatives", creatives)
    for creative in creatives:
        try:
            data = storage.get_bytes(BucketKind.CREATIVES, creative["storage_key"])
        except ObjectNotFound:
            continue
        name = creative["storage_key"].rsplit("/", 1)[-1]
        archive.writestr(f"creatives/{creative['id']}-{name}", data)
    yield "creatives"
    yield write("landing_pages", rows(LandingPage))
    yield write("campaigns", rows(Campaign))
    daily = rows(MetricsDaily)
    write("reports", {"daily": daily, "archived_monthly": rows(MetricsArchive)})
    archive.writestr("reports/metrics_daily.csv", _csv(daily, METRICS_CSV_COLUMNS))
    yield "reports"
    yield write("notifications", rows(Notification))
    yield write("chat_history", rows(ChatMessage))


def _csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def complete_export(session: Session, *, export: DataExport, storage: Storage | None = None,
                    now: datetime | None = None, on_progress: ProgressReporter | None = None) -> DataExport | None:
    """Build and store the archive, then make the export ready (100 %) in the caller's transaction.

    `on_progress` hears each step (see `build_export_archive`, then 95 % once the file is
    stored); the job passes one that commits it in a transaction of its own.

    Returns None, leaving the row as it is, when the export is no longer in progress once the
    archive is stored: another run made it ready first (the sweeper took this run for lost and
    enqueued the job again), or it was given up on (`fail_stuck_exports`). The row is locked for
    that check, so of two runs finishing together only one makes it ready. An archive that no
    ready export points to (given up, expired, or the row gone with its account) is deleted at
    once: personal data is never left in storage without a row that expires it.
    """
    from backend.integrations.storage import object_key

    now = now or datetime.now(UTC)
    storage = storage or get_storage()
    report = on_progress or (lambda percent: setattr(export, "progress", percent))
    data = build_export_archive(session, user_id=export.user_id, storage=storage, on_progress=report)
    key = export.storage_key or object_key(BucketKind.EXPORTS, export.user_id, suffix=".zip")
    storage.put_bytes(BucketKind.EXPORTS, key, data, "application/zip")
    report(STORED_PROGRESS)
    locked = session.exec(select(DataExport).where(DataExport.id == export.id).with_for_update()
                          .execution_options(populate_existing=True)).first()
    if locked is None:  # the account (and its exports) were deleted meanwhile
        storage.delete(BucketKind.EXPORTS, key)
        return None
    export = locked
    if export.status not in IN_PROGRESS:
        if not (export.status == ExportStatus.READY and export.storage_key == key):
            storage.delete(BucketKind.EXPORTS, key)  # nothing will ever serve or expire it
        return None
    export.storage_key = key
    export.status = ExportStatus.READY
    export.progress = DONE_PROGRESS
    export.completed_at = now
    export.expires_at = now + timedelta(seconds=EXPORT_LINK_SECONDS)
    export.lease_expires_at = None
    session.add(export)
    session.flush()
    return export


def expire_exports(session: Session, *, now: datetime | None = None, storage: Storage | None = None) -> int:
    """Delete export files past their 24 hours; their links stop working (Property 29)."""
    now = now or datetime.now(UTC)
    storage = storage or get_storage()
    due = session.exec(select(DataExport).where(DataExport.status == ExportStatus.READY,
                                                DataExport.expires_at <= now)).all()
    for export in due:
        if export.storage_key:
            storage.delete(BucketKind.EXPORTS, export.storage_key)
        export.status = ExportStatus.EXPIRED
        export.storage_key = None
        session.add(export)
    session.flush()
    return len(due)


# --- exports whose job was lost ---------------------------------------------------------------


def fail_stuck_exports(session: Session, *, now: datetime | None = None,
                       give_up_after: timedelta = EXPORT_GIVE_UP_AFTER,
                       limit: int = STUCK_EXPORTS_BATCH) -> list[tuple[int, int]]:
    """Exports still pending/running `give_up_after` after they were requested are failed, so
    their owners can ask again (a run takes minutes; this one keeps getting lost or killed).
    Returns the (export id, owner id) pairs failed, for the caller to tell the owners."""
    now = now or datetime.now(UTC)
    old = session.exec(select(DataExport.id).where(col(DataExport.status).in_(IN_PROGRESS),
                                                   DataExport.created_at <= now - give_up_after)
                       .order_by(col(DataExport.id)).limit(limit)).all()
    failed: list[tuple[int, int]] = []
    for export_id in old:
        owner = fail_export(session, export_id=export_id, error=(
            f"Given up: not finished {give_up_after.total_seconds() / 3600:g} h after it was requested "
            "(its job was lost or kept failing before it could finish)"))
        if owner is not None:
            failed.append((export_id, owner))
    return failed


def requeue_stale_exports(session: Session, *, now: datetime | None = None, lease: timedelta = EXPORT_LEASE,
                          give_up_after: timedelta = EXPORT_GIVE_UP_AFTER,
                          limit: int = STUCK_EXPORTS_BATCH) -> list[int]:
    """Exports in progress whose lease has passed (a running export with no step for
    `lease`; a pending one requested more than `lease` ago that no run has started) get a new
    lease and their job enqueued again after commit. The job is idempotent: a rerun starts
    over and writes to the archive key chosen on the first run. Exports older than
    `give_up_after` are left to `fail_stuck_exports`. Returns the exports re-enqueued."""
    now = now or datetime.now(UTC)
    stale = and_(col(DataExport.status).in_(IN_PROGRESS),
                 DataExport.created_at > now - give_up_after,
                 or_(col(DataExport.lease_expires_at) <= now,
                     and_(col(DataExport.lease_expires_at).is_(None), DataExport.created_at <= now - lease)))
    candidates = session.exec(select(DataExport.id).where(stale).order_by(col(DataExport.id)).limit(limit)).all()
    requeued: list[int] = []
    for export_id in candidates:
        # Compare-and-set: a run that has just started (new lease), or another sweeper, wins.
        renewed = session.execute(sql_update(DataExport).where(DataExport.id == export_id, stale)
                                  .values(lease_expires_at=now + lease)
                                  .execution_options(synchronize_session=False))
        if renewed.rowcount:
            enqueue_after_commit(session, EXPORT_ACTOR, export_id)
            requeued.append(export_id)
    return requeued


# --- the deletion job's work (Properties 30, 31) ---------------------------------------------


def stored_objects_of(session: Session, *, user_id: int) -> list[tuple[BucketKind, str]]:
    from backend.models import Creative, LandingPage

    objects = [(BucketKind.CREATIVES, key) for key in session.exec(
        select(Creative.storage_key).where(Creative.user_id == user_id))]
    objects += [(BucketKind.LANDING_PAGES, key) for key in session.exec(
        select(LandingPage.s3_key).where(LandingPage.user_id == user_id, LandingPage.s3_key != ""))]
    objects += [(BucketKind.EXPORTS, key) for key in session.exec(
        select(DataExport.storage_key).where(DataExport.user_id == user_id, col(DataExport.storage_key).is_not(None)))]
    return objects


def delete_account_data(session: Session, *, user_id: int) -> list[tuple[BucketKind, str]]:
    """Delete every row of the user (FK cascades) in the caller's transaction; return the stored
    objects to remove once that transaction has committed.

    Rows first, files after the commit: if any database step fails, the rollback leaves the
    account whole, files included (Property 31). A file that cannot be removed afterwards is
    retried by `delete_objects` and never blocks the deletion of the data.
    """
    from backend.auth import service as auth_service

    user = get_or_raise(session, user_id)
    objects = stored_objects_of(session, user_id=user_id)
    auth_service.revoke_all_for_user(session, user_id=user_id)
    # What survives the cascade: emails sent (addresses) and the audit trail's network details.
    session.execute(sql_delete(EmailOutbox).where(EmailOutbox.user_id == user_id))
    session.execute(sql_update(AuditLog).where(AuditLog.user_id == user_id).values(ip=None, user_agent=None))
    record(session, action=AuditAction.USER_DELETED, user_id=None,
           details={"user_id": user_id, "files_to_delete": len(objects)})
    session.delete(user)
    session.flush()
    return objects


def delete_objects(objects: list[tuple[BucketKind, str]], *, storage: Storage | None = None) -> list[tuple[str, str]]:
    """Remove stored objects; returns the (kind, key) pairs that failed, for a retry."""
    from backend.errors import StorageError

    storage = storage or get_storage()
    failed: list[tuple[str, str]] = []
    for kind, key in objects:
        try:
            storage.delete(kind, key)
        except StorageError:
            failed.append((str(kind), key))
    return failed
