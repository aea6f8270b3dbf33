"""GDPR jobs: data export (Properties 28, 29) and account deletion (Properties 30, 31)."""

from __future__ import annotations

import logging

from sqlmodel import Session

from backend.db import unit_of_work
from backend.errors import StorageError
from backend.integrations.storage import BucketKind
from backend.jobs.enqueue import send_now
from backend.models import DataExport, User, UserStatus
from backend.notifications import service as notifications
from backend.notifications.schemas import NotificationCategory
from backend.privacy import service as privacy
from workers.base import TransientJobError, actor

logger = logging.getLogger(__name__)


def commit_export_progress(export_id: int, progress: int) -> None:
    """The export's progress in a short transaction of its own, so the Settings page (another
    session) sees it while the export's own transaction is still open."""
    with unit_of_work() as session:
        privacy.set_export_progress(session, export_id=export_id, progress=progress)


def export_failed_for_good(session: Session, exception: BaseException, args: tuple, kwargs: dict) -> int | None:
    """After the last attempt: the export is failed, so the user can ask again, and its owner is
    the user `RecordFinalFailure` tells (the job's argument is an export id, not a user id)."""
    export_id = args[0] if args else kwargs.get("export_id")
    return privacy.fail_export(session, export_id=int(export_id), error=f"{type(exception).__name__}: {exception}")


@actor(actor_name="privacy.export_user_data", failure_notice="Your data export could not be prepared.",
       on_final_failure=export_failed_for_good)
def export_user_data(export_id: int) -> None:
    """Build the user's archive (Property 28), reporting progress as it goes. Safe to run again
    (a retry, or a worker that died mid-job): a ready export is left alone, and the archive goes
    to the key chosen on the first run."""
    with unit_of_work() as session:
        if privacy.start_export(session, export_id=export_id) is None:
            return
    try:
        with unit_of_work() as session:
            export = session.get(DataExport, export_id)
            if privacy.complete_export(session, export=export,
                                       on_progress=lambda percent: commit_export_progress(export_id, percent)) is None:
                logger.info("export %s was finished or given up on by another run meanwhile", export_id)
                return
            notifications.create_notification(
                session, user_id=export.user_id, type="important", category=NotificationCategory.PRIVACY,
                title="Your data export is ready",
                message="Download it from Settings within 24 hours; the link expires after that.",
                action_url="/settings", action_text="Download")
    except StorageError as exc:
        raise TransientJobError(f"export {export_id}: {exc.message}") from exc


@actor(actor_name="privacy.cleanup_expired_exports")
def cleanup_expired_exports() -> None:
    with unit_of_work() as session:
        expired = privacy.expire_exports(session)
    if expired:
        logger.info("expired %d data export(s)", expired)


@actor(actor_name="privacy.requeue_stuck_exports")
def requeue_stuck_exports() -> None:
    """Periodic: exports left pending/running because their job was lost (Redis wiped, or the
    embedded StubBroker stopped with the app) would block new export requests for ever. Those
    whose run's lease has passed are enqueued again (the job is idempotent); those still not done
    a day after the request are failed and their owners told, so they can ask again."""
    with unit_of_work() as session:
        given_up = privacy.fail_stuck_exports(session)
        for _export_id, user_id in given_up:
            notifications.create_notification(
                session, user_id=user_id, type="important", category=NotificationCategory.PRIVACY,
                title="Your data export could not be prepared",
                message="It could not be finished. You can request a new export from Settings.",
                action_url="/settings", action_text="Request again")
        requeued = privacy.requeue_stale_exports(session)  # sent once this commits
    if given_up:
        logger.error("gave up on %d data export(s) still unfinished after %s: %s", len(given_up),
                     privacy.EXPORT_GIVE_UP_AFTER, [export_id for export_id, _ in given_up])
    if requeued:
        logger.warning("re-enqueued %d data export(s) with no progress for %s: %s", len(requeued),
                       privacy.EXPORT_LEASE, requeued)


@actor(actor_name="privacy.delete_account")
def delete_account(user_id: int) -> None:
    """Delete every row of the user in one transaction, then their files. If the database part
    fails, it rolls back whole, the account stays usable, and the user is told (Property 31)."""
    with unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None or user.status != UserStatus.DELETING:
            return
    try:
        with unit_of_work() as session:
            objects = privacy.delete_account_data(session, user_id=user_id)
    except Exception as exc:
        logger.exception("deleting account %s failed; rolled back", user_id)
        with unit_of_work() as session:
            user = session.get(User, user_id)
            if user is not None:
                user.status = UserStatus.ACTIVE
                session.add(user)
                notifications.create_notification(
                    session, user_id=user_id, type="urgent", category=NotificationCategory.PRIVACY,
                    title="Your account could not be deleted",
                    message="Something failed while deleting your data; nothing was removed. "
                            "Please try again or contact support.",
                    action_url="/settings", action_text="Try again",
                    metadata={"error": getattr(exc, "code", type(exc).__name__)})
        return
    failed = privacy.delete_objects(objects)
    if failed:
        send_now(delete_objects, failed)
    logger.info("account %s deleted (%d files, %d to retry)", user_id, len(objects), len(failed))


@actor(actor_name="privacy.delete_objects")
def delete_objects(objects: list[list[str]]) -> None:
    """Retry removing files of a deleted account; transient storage failures retry with backoff."""
    failed = privacy.delete_objects([(BucketKind(kind), key) for kind, key in objects])
    if failed:
        raise TransientJobError(f"{len(failed)} file(s) of a deleted account could not be removed yet")
