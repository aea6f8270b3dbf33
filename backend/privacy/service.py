"""GDPR requests: data export and account deletion. The work itself runs in jobs."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from backend.audit.service import AuditAction, RequestContext, record
from backend.errors import Conflict, ValidationFailed
from backend.integrations.storage import BucketKind, Storage, get_storage
from backend.jobs.enqueue import enqueue_after_commit
from backend.models import DataExport, ExportStatus, User, UserStatus
from backend.users.service import get_or_raise

EXPORT_ACTOR = "privacy.export_user_data"
DELETE_ACTOR = "privacy.delete_account"
EXPORT_LINK_SECONDS = 24 * 3600


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
