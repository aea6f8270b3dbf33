"""Landing pages: the list, creating from a template, the HTML editor, publishing.

The preview is an iframe with `sandbox=""` and `srcdoc`: the marketer's HTML (which may carry
pixels and scripts) renders in an opaque origin with scripts disabled, never in ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

import aae_app.components.library.landing_text  # noqa: F401  (registers the texts)
from aae_app import i18n
from aae_app.components.library.errors import error_text, error_toast, field_of
from aae_app.state.auth import AuthState
from backend.db import unit_of_work
from backend.errors import AppError
from backend.landing_pages import service
from backend.landing_pages.service import PageData, PageEdit
from backend.models import LandingPage

PAGE_SIZE = 100
STATUS_FILTERS = ("all", "draft", "published", "archived")
CONFIRMED_ACTIONS = ("unpublish", "archive", "delete")
THUMBNAIL_MAX_CHARS = 40_000


@dataclass
class PageRow:
    id: int = 0
    name: str = ""
    product_url: str = ""
    template: str = "modern"
    language: str = "en"
    status: str = "draft"
    url: str = ""
    updated: str = ""
    thumbnail_html: str = ""  # small pages only: the list's live thumbnail (sandboxed like the preview)

    @classmethod
    def of(cls, page: LandingPage) -> PageRow:
        html = page.html_content or ""
        return cls(id=page.id or 0, name=page.name, product_url=page.product_url, template=page.template,
                   language=page.language, status=page.status, url=page.url or "",
                   updated=page.updated_at.strftime("%Y-%m-%d %H:%M") if page.updated_at else "",
                   thumbnail_html=html if len(html) <= THUMBNAIL_MAX_CHARS else "")


def valid_product_url(text: str) -> bool:
    text = text.strip()
    return text.startswith(("http://", "https://")) and "." in text.split("//", 1)[1]


class LandingPagesState(AuthState):
    pages: list[PageRow] = []
    status_filter: str = "all"
    loading: bool = False
    error: str = ""

    create_open: bool = False
    new_name: str = ""
    new_product_url: str = ""
    new_template: str = "modern"
    new_language: str = "en"
    create_errors: dict[str, str] = {}
    creating: bool = False

    editing: bool = False
    current: PageRow = PageRow()
    html: str = ""
    saved_html: str = ""
    saving: bool = False
    preview_mode: str = "desktop"

    confirm_action: str = ""
    confirm_target: PageRow = PageRow()
    busy: bool = False

    @rx.var
    def dirty(self) -> bool:
        return self.html != self.saved_html

    @rx.var
    def confirm_kind(self) -> str:
        return self.confirm_action or "delete"

    @rx.var
    def confirm_open(self) -> bool:
        return self.confirm_action != ""

    def _text(self, key: str) -> str:
        return i18n.translate(key, self.language)

    # --- the list -------------------------------------------------------------------------

    def _reload(self) -> list[rx.event.EventSpec]:
        if self.user_id is None:
            return []
        status = None if self.status_filter == "all" else self.status_filter
        try:
            with unit_of_work() as session:
                rows, _ = service.list_pages(session, self.user_id, status=status, limit=PAGE_SIZE)
                self.pages = [PageRow.of(p) for p in rows]
        except AppError as exc:
            self.error = error_text(exc)
            return [error_toast(exc, self.language)]
        self.error = ""
        return []

    @rx.event
    def load(self):
        """The list; or the editor when the address names a page (`?edit=ID`, kept across reloads)."""
        self.editing = False
        self.loading = True
        yield
        toasts = self._reload()
        self.loading = False
        requested = self.router.url.query_parameters.get("edit", "")
        if requested.isdigit():
            toasts = [*toasts, *self._open(int(requested))]
        yield toasts

    @rx.event
    def set_status_filter(self, value: str):
        if value in STATUS_FILTERS:
            self.status_filter = value
            yield from self.load()

    # --- creating ---------------------------------------------------------------------------

    @rx.event
    def open_create(self):
        self.new_name, self.new_product_url, self.new_template = "", "", "modern"
        self.new_language = self.language if self.language in service.LANGUAGES else "en"
        self.create_errors = {}
        self.create_open = True

    @rx.event
    def set_create_open(self, value: bool):
        self.create_open = value

    @rx.event
    def set_new_name(self, value: str):
        self.new_name = value
        self.create_errors = {k: v for k, v in self.create_errors.items() if k != "name"}

    @rx.event
    def set_new_product_url(self, value: str):
        self.new_product_url = value
        self.create_errors = {k: v for k, v in self.create_errors.items() if k != "product_url"}

    @rx.event
    def set_new_template(self, value: str):
        if value in service.TEMPLATES:
            self.new_template = value

    @rx.event
    def set_new_language(self, value: str | list[str]):
        if value in service.LANGUAGES:
            self.new_language = value

    @rx.event
    def create_page(self):
        errors = {}
        if not self.new_name.strip():
            errors["name"] = self._text("landing.err.name")
        if not valid_product_url(self.new_product_url):
            errors["product_url"] = self._text("landing.err.url")
        self.create_errors = errors
        if errors or self.user_id is None:
            return None
        self.creating = True
        yield
        try:
            with unit_of_work() as session:
                page = service.create(session, user_id=self.user_id, data=PageData(
                    name=self.new_name, product_url=self.new_product_url.strip(), template=self.new_template,
                    language=self.new_language))
                row, html = PageRow.of(page), page.html_content or ""
        except AppError as exc:
            self.creating = False
            if field_of(exc):
                self.create_errors = {field_of(exc): exc.message}
            yield error_toast(exc, self.language)
            return
        self.creating = False
        self.create_open = False
        yield [self._open_editor(row, html), rx.toast.success(self._text("landing.created"))]

    # --- the editor -------------------------------------------------------------------------

    def _open_editor(self, row: PageRow, html: str) -> rx.event.EventSpec:
        self.current, self.html, self.saved_html = row, html, html
        self.preview_mode = "desktop"
        self.editing = True
        return rx.call_script(f"window.history.replaceState(null, '', '?edit={row.id}')")

    def _open(self, page_id: int) -> list[rx.event.EventSpec]:
        if self.user_id is None:
            return []
        try:
            with unit_of_work() as session:
                page = service.get_owned_or_raise(session, self.user_id, page_id)
                row, html = PageRow.of(page), page.html_content or ""
        except AppError as exc:
            return [error_toast(exc, self.language)]
        if row.status == "archived":
            return []
        return [self._open_editor(row, html)]

    @rx.event
    def edit(self, page_id: int):
        return self._open(page_id)

    @rx.event
    def close_editor(self):
        self.editing = False
        return [rx.call_script("window.history.replaceState(null, '', window.location.pathname)"), *self._reload()]

    @rx.event
    def copy_link(self, url: str):
        return [rx.set_clipboard(url), rx.toast.success(self._text("landing.copied"))]

    @rx.event
    def set_html(self, value: str):
        self.html = value

    @rx.event
    def set_preview_mode(self, value: str | list[str]):
        if value in ("desktop", "mobile"):
            self.preview_mode = value

    def _save(self) -> AppError | None:
        try:
            with unit_of_work() as session:
                page = service.update(session, user_id=self.user_id, page_id=self.current.id,
                                      edit=PageEdit(html_content=self.html))
                self.current = PageRow.of(page)
        except AppError as exc:
            return exc
        self.saved_html = self.html
        return None

    @rx.event
    def save(self):
        if self.user_id is None:
            return None
        self.saving = True
        yield
        failure = self._save()
        self.saving = False
        yield error_toast(failure, self.language) if failure else rx.toast.success(self._text("landing.saved"))

    # --- status changes ---------------------------------------------------------------------

    def _change(self, page_id: int, action: Callable[..., LandingPage], done_key: str) -> list[rx.event.EventSpec]:
        try:
            with unit_of_work() as session:
                page = action(session, user_id=self.user_id, page_id=page_id)
                row = PageRow.of(page) if page is not None else None
        except AppError as exc:
            return [error_toast(exc, self.language)]
        events = [rx.toast.success(self._text(done_key)), *self._reload()]
        if self.editing and self.current.id == page_id:
            if row is None or row.status == "archived":
                self.editing = False
                events.append(rx.call_script("window.history.replaceState(null, '', window.location.pathname)"))
            else:
                self.current = row
        return events

    @rx.event
    def publish(self, page_id: int):
        if self.user_id is None:
            return None
        self.busy = True
        yield
        if self.editing and self.current.id == page_id and self.dirty:
            failure = self._save()
            if failure is not None:
                self.busy = False
                yield error_toast(failure, self.language)
                return
        events = self._change(page_id, service.publish, "landing.published_toast")
        self.busy = False
        yield events

    @rx.event
    def restore(self, page_id: int):
        if self.user_id is None:
            return None
        return self._change(page_id, service.restore, "landing.restored")

    @rx.event
    def ask(self, action: str, page_id: int):
        """Unpublish, archive and delete ask first."""
        if action not in CONFIRMED_ACTIONS:
            return
        target = next((p for p in self.pages if p.id == page_id), None)
        if target is None and self.current.id == page_id:
            target = self.current
        if target is not None:
            self.confirm_target, self.confirm_action = target, action

    @rx.event
    def cancel_confirm(self):
        self.confirm_action = ""

    @rx.event
    def confirm(self):
        action, page_id = self.confirm_action, self.confirm_target.id
        if action not in CONFIRMED_ACTIONS or self.user_id is None:
            self.confirm_action = ""
            return None
        self.busy = True
        yield
        if action == "delete":
            def remove(session, *, user_id, page_id):
                service.delete(session, user_id=user_id, page_id=page_id)
            events = self._change(page_id, remove, "landing.deleted")
        else:
            done = {"unpublish": "landing.unpublished", "archive": "landing.archived"}[action]
            events = self._change(page_id, getattr(service, action), done)
        self.busy = False
        self.confirm_action = ""
        yield events
