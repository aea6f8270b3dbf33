"""/notifications: the user's notifications with filters and paging; mark read (Property 27)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from aae_app import i18n
from aae_app.state.auth import AuthState, format_time, full_page_load
from backend.db import unit_of_work
from backend.errors import AppError
from backend.models import Notification, NotificationType
from backend.notifications import service as notifications

PAGE_SIZE = 20
TYPE_FILTERS = ("all", *(t.value for t in NotificationType))
TYPE_COLORS = {NotificationType.URGENT: "red", NotificationType.IMPORTANT: "amber", NotificationType.GENERAL: "gray"}
TYPE_ICONS = {NotificationType.URGENT: "circle-alert", NotificationType.IMPORTANT: "bell-ring",
              NotificationType.GENERAL: "bell"}


def safe_action_url(url: str | None) -> str:
    """An in-app path or an https URL; anything else (javascript:, data:, //host) is dropped."""
    url = (url or "").strip()
    if (url.startswith("/") and not url.startswith("//")) or url.startswith("https://"):
        return url
    return ""


@dataclasses.dataclass
class NotificationRow:
    id: int = 0
    type: str = ""
    type_key: str = ""
    color: str = "gray"
    icon: str = "bell"
    category_key: str = ""
    category: str = ""
    title: str = ""
    message: str = ""
    when: str = ""
    is_read: bool = False
    action_url: str = ""
    action_text: str = ""

    @classmethod
    def of(cls, n: Notification, timezone: str) -> NotificationRow:
        category_key = f"notifications.category.{n.category}"
        return cls(
            id=n.id or 0, type=n.type, type_key=f"notifications.type.{n.type}",
            color=TYPE_COLORS.get(n.type, "gray"), icon=TYPE_ICONS.get(n.type, "bell"),
            category_key=category_key if category_key in i18n.TABLE else "",
            category=n.category.replace("_", " "), title=n.title, message=n.message,
            when=format_time(n.created_at, timezone), is_read=n.is_read,
            action_url=safe_action_url(n.action_url), action_text=n.action_text or "",
        )


class NotificationsState(AuthState):
    rows: list[NotificationRow] = []
    total: int = 0
    page: int = 0
    type_filter: str = "all"
    unread_only: bool = False
    loading: bool = False
    error: str = ""

    @rx.var
    def has_prev(self) -> bool:
        return self.page > 0

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * PAGE_SIZE < self.total

    @rx.var
    def page_label(self) -> str:
        if not self.total:
            return ""
        first = self.page * PAGE_SIZE + 1
        return self.tr("common.range_of", first=first, last=min(self.total, first + len(self.rows) - 1),
                       total=self.total)

    @rx.event
    def load(self):
        if self.user_id is None:
            return
        self.loading, self.error = True, ""
        yield
        try:
            with unit_of_work() as session:
                rows, total = notifications.list_notifications(
                    session, self.user_id, unread_only=self.unread_only,
                    type=None if self.type_filter == "all" else self.type_filter,
                    limit=PAGE_SIZE, offset=self.page * PAGE_SIZE)
                if not rows and self.page > 0 and total:
                    # The page emptied (marked read under "unread only"): step back.
                    self.page = max(0, (total - 1) // PAGE_SIZE)
                    rows, total = notifications.list_notifications(
                        session, self.user_id, unread_only=self.unread_only,
                        type=None if self.type_filter == "all" else self.type_filter,
                        limit=PAGE_SIZE, offset=self.page * PAGE_SIZE)
                self.rows = [NotificationRow.of(n, self.timezone) for n in rows]
                self.total = int(total)
                self.unread_count = notifications.unread_count(session, self.user_id)
        except AppError as exc:
            self.error = exc.message
            yield self.fail(exc)
        finally:
            self.loading = False

    @rx.event
    def set_type_filter(self, value: str):
        if value in TYPE_FILTERS:
            self.type_filter, self.page = value, 0
            return NotificationsState.load
        return None

    @rx.event
    def set_unread_only(self, value: bool):
        self.unread_only, self.page = bool(value), 0
        return NotificationsState.load

    @rx.event
    def next_page(self):
        if self.has_next:
            self.page += 1
            return NotificationsState.load
        return None

    @rx.event
    def prev_page(self):
        if self.page > 0:
            self.page -= 1
            return NotificationsState.load
        return None

    @rx.event
    def mark_read(self, notification_id: int):
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                notifications.mark_read(session, user_id=self.user_id, notification_id=int(notification_id))
                self.unread_count = notifications.unread_count(session, self.user_id)
        except AppError as exc:
            return self.fail(exc)
        if self.unread_only:
            return NotificationsState.load
        self.rows = [dataclasses.replace(r, is_read=True) if r.id == int(notification_id) else r for r in self.rows]
        return None

    @rx.event
    def mark_all_read(self):
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                changed = notifications.mark_all_read(session, user_id=self.user_id)
        except AppError as exc:
            return self.fail(exc)
        self.page = 0
        return [NotificationsState.load, rx.toast.success(self.tr("notifications.marked_all", count=changed))]

    @rx.event
    def open(self, notification_id: int):
        """Follow a notification's action (read from the database, not the browser): mark it read,
        then go there (backend routes and other sites need a full page load)."""
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                notification = notifications.mark_read(session, user_id=self.user_id,
                                                       notification_id=int(notification_id))
                url = safe_action_url(notification.action_url)
                self.unread_count = notifications.unread_count(session, self.user_id)
        except AppError as exc:
            return self.fail(exc)
        self.rows = [dataclasses.replace(r, is_read=True) if r.id == int(notification_id) else r for r in self.rows]
        if not url:
            return None
        return full_page_load(url) if url.startswith(("/api/", "https://")) else rx.redirect(url)
