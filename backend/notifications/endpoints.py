"""/api/v1/notifications: list, unread count, mark read (Property 27), mark all read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from backend.common.routing import api_router
from backend.common.deps import ResourceId
from backend.auth.dependencies import SessionDep
from backend.common.deps import ApiUser, Limit, Offset
from backend.common.schemas import Ok
from backend.models import NotificationType
from backend.notifications import service as notifications
from backend.notifications.schemas import MarkAllReadResult, NotificationList, NotificationPublic, UnreadCount

router = api_router(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("", response_model=Ok[NotificationList])
def list_notifications(
    session: SessionDep, user: ApiUser, limit: Limit = 20, offset: Offset = 0,
    unread_only: bool = False, type: NotificationType | None = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
) -> Ok[NotificationList]:
    rows, total = notifications.list_notifications(session, user.id, unread_only=unread_only, type=type,
                                                   category=category, limit=limit, offset=offset)
    return Ok(data=NotificationList(items=[NotificationPublic.model_validate(r) for r in rows], total=total,
                                    unread_count=notifications.unread_count(session, user.id), limit=limit,
                                    offset=offset))


@router.get("/unread", response_model=Ok[UnreadCount])
def unread(session: SessionDep, user: ApiUser) -> Ok[UnreadCount]:
    return Ok(data=UnreadCount(unread_count=notifications.unread_count(session, user.id)))


@router.put("/read-all", response_model=Ok[MarkAllReadResult])
def read_all(session: SessionDep, user: ApiUser) -> Ok[MarkAllReadResult]:
    return Ok(data=MarkAllReadResult(updated=notifications.mark_all_read(session, user_id=user.id)))


@router.put("/{notification_id:int}/read", response_model=Ok[NotificationPublic])
def read_one(notification_id: ResourceId, session: SessionDep, user: ApiUser) -> Ok[NotificationPublic]:
    row = notifications.mark_read(session, user_id=user.id, notification_id=notification_id)
    return Ok(data=NotificationPublic.model_validate(row))
