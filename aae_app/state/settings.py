"""/settings: profile, notification preferences, data export and account deletion.

Ad accounts and API tokens live in `aae_app.state.settings_access`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from zoneinfo import available_timezones

import reflex as rx

from aae_app import i18n
from aae_app.state.auth import AuthState, format_time, sign_out_script
from backend.db import unit_of_work
from backend.errors import AppError, ValidationFailed
from backend.models import DataExport, ExportStatus
from backend.notifications import service as notifications
from backend.notifications.schemas import NotificationCategory, NotificationPreferencesUpdate
from backend.privacy import service as privacy
from backend.users import service as users

NAME_MAX = 255
COMMON_TIMEZONES = (
    "UTC", "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/Sao_Paulo",
    "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Moscow", "Africa/Cairo",
    "Asia/Dubai", "Asia/Kolkata", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong",
    "Asia/Taipei", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Pacific/Auckland",
)
EMAIL_CATEGORIES = tuple(c.value for c in NotificationCategory)
TABS = ("profile", "notifications", "accounts", "tokens", "privacy")
EXPORT_POLL_SECONDS = 2.0
EXPORT_POLL_LIMIT = 300  # ten minutes, then the user can reload


@dataclasses.dataclass
class ExportView:
    id: int = 0
    status: str = ""  # "" when none yet
    progress: int = 0  # percent, 100 once ready
    requested: str = ""
    completed: str = ""
    expires: str = ""
    download_url: str = ""

    @classmethod
    def of(cls, export: DataExport | None, timezone: str) -> ExportView:
        if export is None:
            return cls()
        return cls(id=export.id or 0, status=export.status, progress=export.progress or 0,
                   requested=format_time(export.created_at, timezone),
                   completed=format_time(export.completed_at, timezone),
                   expires=format_time(export.expires_at, timezone),
                   download_url=privacy.download_url(export) or "")


@dataclasses.dataclass
class CategoryPreference:
    category: str = ""
    label_key: str = ""
    email: bool = True


def load_export_view(user_id: int, timezone: str) -> ExportView:
    with unit_of_work() as session:
        return ExportView.of(privacy.latest_export(session, user_id=user_id), timezone)


def timezone_choices(current: str) -> list[str]:
    zones = list(COMMON_TIMEZONES)
    if current and current not in zones and current in available_timezones():
        zones.insert(1, current)
    return zones


class SettingsState(AuthState):
    tab: str = "profile"
    # Profile form.
    form_name: str = ""
    form_language: str = "en"
    form_timezone: str = "UTC"
    name_error: str = ""
    timezone_error: str = ""
    saving_profile: bool = False
    # Notification preferences.
    email_enabled: bool = True
    categories: list[CategoryPreference] = []
    # Data export and deletion.
    export: ExportView = ExportView()
    delete_confirm: str = ""
    delete_error: str = ""
    _watching_export: bool = False

    @rx.var
    def timezones(self) -> list[str]:
        return timezone_choices(self.form_timezone)

    @rx.var
    def profile_dirty(self) -> bool:
        return (self.form_name.strip() != self.user_name or self.form_language != self.language
                or self.form_timezone != self.timezone)

    @rx.var
    def export_in_progress(self) -> bool:
        return self.export.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

    @rx.var
    def delete_matches(self) -> bool:
        return bool(self.user_email) and self.delete_confirm.strip().lower() == self.user_email.lower()

    @rx.event
    def load(self):
        if self.user_id is None:
            return None
        params = self.router.url.query_parameters
        self.tab = params.get("tab") if params.get("tab") in TABS else "accounts" if params.get("bind") else "profile"
        self.form_name, self.form_language, self.form_timezone = self.user_name, self.language, self.timezone
        self.name_error = self.timezone_error = self.delete_error = self.delete_confirm = ""
        try:
            with unit_of_work() as session:
                prefs = notifications.get_preferences(users.get_or_raise(session, self.user_id))
                self.export = ExportView.of(privacy.latest_export(session, user_id=self.user_id), self.timezone)
        except AppError as exc:
            return self.fail(exc)
        self.email_enabled = prefs.email_enabled
        self.categories = [CategoryPreference(category=c, label_key=f"notifications.category.{c}",
                                              email=prefs.email_categories.get(c, True)) for c in EMAIL_CATEGORIES]
        return SettingsState.watch_export if self.export_in_progress else None

    @rx.event
    def set_tab(self, value: str):
        if value in TABS:
            self.tab = value

    # --- profile -------------------------------------------------------------------------

    @rx.event
    def set_form_name(self, value: str):
        self.form_name = value
        self.name_error = ""

    @rx.event
    def set_form_language(self, value: str):
        self.form_language = value

    @rx.event
    def set_form_timezone(self, value: str):
        self.form_timezone = value
        self.timezone_error = ""

    def validate_profile(self) -> bool:
        name = self.form_name.strip()
        self.name_error = (self.tr("settings.error_name_required") if not name
                           else self.tr("settings.error_name_long", max=NAME_MAX) if len(name) > NAME_MAX else "")
        self.timezone_error = "" if self.form_timezone in available_timezones() else self.tr("settings.error_timezone")
        if self.form_language not in i18n.LANGUAGES:
            self.form_language = self.language
        return not (self.name_error or self.timezone_error)

    @rx.event
    def save_profile(self):
        if self.user_id is None or not self.validate_profile():
            return None
        changes = {"display_name": self.form_name.strip(), "language": self.form_language,
                   "timezone": self.form_timezone}
        try:
            with unit_of_work() as session:
                user = users.update_profile(session, user_id=self.user_id, changes=changes,
                                            context=self.request_context())
                self.user_name, self.language, self.timezone = user.display_name, user.language, user.timezone
        except ValidationFailed as exc:
            if exc.details.get("field") == "display_name":
                self.name_error = exc.message
            return self.fail(exc)
        except AppError as exc:
            return self.fail(exc)
        self.form_name = self.user_name
        return rx.toast.success(self.tr("settings.profile_saved"))

    # --- notification preferences -----------------------------------------------------------

    def _save_preferences(self, update: NotificationPreferencesUpdate):
        try:
            with unit_of_work() as session:
                saved = notifications.update_preferences(session, user_id=self.user_id, data=update)
        except AppError as exc:
            return self.fail(exc)
        self.email_enabled = saved.email_enabled
        self.categories = [dataclasses.replace(c, email=saved.email_categories.get(c.category, True))
                           for c in self.categories]
        return rx.toast.success(self.tr("settings.preferences_saved"))

    @rx.event
    def set_email_enabled(self, value: bool):
        if self.user_id is None:
            return None
        return self._save_preferences(NotificationPreferencesUpdate(email_enabled=bool(value)))

    @rx.event
    def set_category_email(self, category: str, value: bool):
        if self.user_id is None or category not in EMAIL_CATEGORIES:
            return None
        return self._save_preferences(NotificationPreferencesUpdate(email_categories={category: bool(value)}))

    # --- data export ---------------------------------------------------------------------

    @rx.event
    def request_export(self):
        if self.user_id is None:
            return None
        try:
            with unit_of_work() as session:
                export = privacy.request_export(session, user_id=self.user_id, context=self.request_context())
                self.export = ExportView.of(export, self.timezone)
        except AppError as exc:
            return self.fail(exc)
        return [rx.toast.info(self.tr("settings.export_started")), SettingsState.watch_export]

    @rx.event(background=True)
    async def watch_export(self):
        """Poll the export while it is pending or running, updating its progress on screen; stop
        once it is ready, failed or gone."""
        async with self:
            if self.user_id is None or self._watching_export:
                return
            self._watching_export = True
            user_id, timezone = self.user_id, self.timezone
        try:
            for _ in range(EXPORT_POLL_LIMIT):
                await asyncio.sleep(EXPORT_POLL_SECONDS)
                view = await asyncio.to_thread(load_export_view, user_id, timezone)
                async with self:
                    self.export = view
                if view.status not in (ExportStatus.PENDING, ExportStatus.RUNNING):
                    break
        finally:
            async with self:
                self._watching_export = False
        return AuthState.refresh_shell  # the "export ready" notification raised the unread count

    # --- account deletion ----------------------------------------------------------------

    @rx.event
    def set_delete_confirm(self, value: str):
        self.delete_confirm = value
        self.delete_error = ""

    @rx.event
    def reset_delete(self, open_: bool = False):
        if not open_:
            self.delete_confirm = self.delete_error = ""

    @rx.event
    def delete_account(self):
        if self.user_id is None:
            return None
        if not self.delete_matches:
            self.delete_error = self.tr("settings.delete_mismatch")
            return None
        try:
            with unit_of_work() as session:
                privacy.request_deletion(session, user_id=self.user_id, confirm_email=self.delete_confirm,
                                         context=self.request_context())
        except ValidationFailed as exc:
            self.delete_error = exc.message
            return self.fail(exc)
        except AppError as exc:
            return self.fail(exc)
        self.sign_out_locally()
        return [rx.toast.info(self.tr("settings.delete_requested")), rx.call_script(sign_out_script())]
