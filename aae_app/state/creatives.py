"""The creative library: filters, paging, direct-to-storage uploads, details, deletion.

Uploads go **straight to storage with a presigned POST**, not through Reflex's `/_upload`:
the issue asks for it, and it is the shape that scales. A 100 MB video never passes through
an app worker (in production S3 receives it; in the embedded shape our own `/files` route,
the local twin of S3's POST), the storage policy itself enforces type and size, `/_upload`
(public, unauthenticated, size only guarded by a transformer) is not used at all, and the
browser's `XMLHttpRequest.upload.onprogress` gives a real progress bar. The flow:
`stage` (browser keeps the File, sends name/type/size) → `start_uploads` (pending creative +
presigned POST per file) → the browser posts each file → `upload_sent` → `confirm_upload`
checks the real bytes (magic number and size) before the creative goes live; a failed post
deletes the pending creative again.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

import aae_app.components.library.creatives_text  # noqa: F401  (registers the texts)
from aae_app import i18n
from aae_app.components.library import upload_js
from aae_app.components.library.creatives_views import (  # noqa: F401  (re-exported for tests)
    CreativeCard,
    UploadRow,
    parse_day,
    parse_score,
    parse_tags,
    score_label,
    size_label,
    valid_url,
)
from aae_app.components.library.errors import error_text, error_toast, field_of, unexpected_toast
from aae_app.state.auth import AuthState
from backend.creatives import service
from backend.creatives.service import CreativeChanges, CreativeFilters
from backend.db import unit_of_work
from backend.errors import AppError, ValidationFailed

PAGE_SIZE = 24
MAX_FILES_PER_DROP = 10
KNOWN_STYLES = ("hero", "product", "lifestyle", "promo", "social-proof", "ugc")
SORTS = ("newest", "oldest", "score")
FILTERS = ("search", "file_type", "style", "tags", "score_min", "score_max", "created_from", "created_to", "sort")
EDITABLE = ("name", "style", "tags", "score", "product_url")


def finish_upload(user_id: int, creative_id: int, *, stored: bool) -> None:
    """After the browser's POST: verify the stored bytes (or, when it failed, drop the pending creative).

    Refused bytes: the service has already removed the object and the pending row; that removal is
    committed before the refusal is raised, so no pending row is left behind.
    """
    refused: ValidationFailed | None = None
    with unit_of_work() as session:
        if stored:
            try:
                service.confirm_upload(session, user_id=user_id, creative_id=creative_id)
            except ValidationFailed as exc:
                refused = exc
        else:
            service.delete(session, user_id=user_id, creative_id=creative_id)
    if refused is not None:
        raise refused


class CreativesState(AuthState):
    items: list[CreativeCard] = []
    total: int = 0
    page: int = 1
    loading: bool = False
    error: str = ""

    search: str = ""
    file_type: str = "all"
    style: str = "any"
    tags: str = ""
    score_min: str = ""
    score_max: str = ""
    created_from: str = ""
    created_to: str = ""
    sort: str = "newest"
    filter_errors: dict[str, str] = {}
    styles: list[str] = list(KNOWN_STYLES)

    uploads: list[UploadRow] = []

    selected: CreativeCard = CreativeCard()
    drawer_open: bool = False
    edit_name: str = ""
    edit_style: str = ""
    edit_tags: str = ""
    edit_score: str = ""
    edit_product_url: str = ""
    edit_errors: dict[str, str] = {}
    saving: bool = False
    confirm_delete_open: bool = False
    deleting: bool = False

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search or self.file_type != "all" or self.style != "any" or self.tags or self.score_min
                    or self.score_max or self.created_from or self.created_to)

    @rx.var
    def uploads_finished(self) -> bool:
        return any(row.status in ("done", "failed") for row in self.uploads)

    def _text(self, key: str) -> str:
        return i18n.translate(key, self.language)

    # --- the list -------------------------------------------------------------------------

    def _filters(self) -> CreativeFilters | None:
        errors: dict[str, str] = {}
        score_min = score_max = None
        try:
            score_min = parse_score(self.score_min)
        except ValueError:
            errors["score_min"] = self._text("creatives.err.score")
        try:
            score_max = parse_score(self.score_max)
        except ValueError:
            errors["score_max"] = self._text("creatives.err.score")
        if score_min is not None and score_max is not None and score_min > score_max:
            errors["score_max"] = self._text("creatives.err.score_range")
        try:
            created_from, created_to = parse_day(self.created_from), parse_day(self.created_to, end=True)
        except ValueError:
            created_from = created_to = None
            errors["dates"] = self._text("creatives.err.dates")
        if created_from and created_to and created_from > created_to:
            errors["dates"] = self._text("creatives.err.dates")
        self.filter_errors = errors
        if errors:
            return None
        return CreativeFilters(
            file_type=None if self.file_type == "all" else self.file_type,
            style=None if self.style == "any" else self.style, tags=parse_tags(self.tags),
            score_min=score_min, score_max=score_max, created_from=created_from, created_to=created_to,
            search=self.search.strip() or None, sort=self.sort if self.sort in SORTS else "newest",
        )

    def _reload(self) -> list[rx.event.EventSpec]:
        """Query the current page; returns toasts to show (none on success)."""
        if self.user_id is None:
            return []
        filters = self._filters()
        if filters is None:
            return []
        try:
            with unit_of_work() as session:
                rows, total = service.list_creatives(session, self.user_id, filters=filters, limit=PAGE_SIZE,
                                                     offset=(self.page - 1) * PAGE_SIZE)
                self.items = [CreativeCard.of(c, service.view_url(c)) for c in rows]
                self.total = total
        except AppError as exc:
            self.error = error_text(exc)
            return [error_toast(exc, self.language)]
        self.error = ""
        seen = {card.style for card in self.items if card.style}
        self.styles = sorted(set(self.styles) | seen)
        return []

    @rx.event
    def load(self):
        self.loading = True
        yield
        toasts = self._reload()
        self.loading = False
        yield toasts

    def _refilter(self):
        self.page = 1
        return self.load()

    @rx.event
    def set_filter(self, name: str, value: str):
        """Any filter of the bar; the grid goes back to its first page."""
        if name in FILTERS:
            setattr(self, name, value)
            yield from self._refilter()

    @rx.event
    def clear_filters(self):
        self.search, self.file_type, self.style, self.tags = "", "all", "any", ""
        self.score_min = self.score_max = self.created_from = self.created_to = ""
        yield from self._refilter()

    @rx.event
    def previous_page(self):
        self.page = max(1, self.page - 1)
        yield from self.load()

    @rx.event
    def next_page(self):
        self.page = min(self.pages, self.page + 1)
        yield from self.load()

    # --- uploads ----------------------------------------------------------------------------

    @rx.event
    def start_uploads(self, files: list[dict[str, Any]]):
        """The browser staged these files: one pending creative and presigned POST each."""
        if self.user_id is None or not files:
            return None
        events: list[rx.event.EventSpec] = []
        tickets: list[dict[str, Any]] = []
        extra = [str(f.get("local_id", "")) for f in files[MAX_FILES_PER_DROP:]]
        for staged in files[:MAX_FILES_PER_DROP]:
            local_id, name = str(staged.get("local_id", "")), str(staged.get("name", ""))
            size = int(staged.get("size") or 0)
            row = UploadRow(local_id=local_id, name=name, size_label=size_label(size))
            try:
                with unit_of_work() as session:
                    creative, upload = service.request_upload(
                        session, user_id=self.user_id, filename=name,
                        content_type=str(staged.get("content_type", "")), size=size)
                    creative_id = creative.id
            except AppError as exc:
                row.status, row.message = "failed", error_text(exc)
                events.append(error_toast(exc, self.language))
                extra.append(local_id)
            else:
                tickets.append({"local_id": local_id, "creative_id": creative_id, "url": upload.url,
                                "method": upload.method, "fields": upload.fields})
            self.uploads = [row, *self.uploads]
        if tickets:
            events.insert(0, upload_js.send_files(tickets, CreativesState.upload_progress,
                                                  CreativesState.upload_sent))
        if extra:
            events.append(upload_js.discard_files(extra))
        return events

    def _set_upload(self, local_id: str, **changes: Any) -> None:
        rows = []
        for row in self.uploads:
            if row.local_id == local_id:
                row = UploadRow(**{**row.__dict__, **changes})
            rows.append(row)
        self.uploads = rows

    @rx.event
    def upload_progress(self, local_id: str, percent: int):
        self._set_upload(local_id, progress=max(0, min(100, int(percent))))

    @rx.event(background=True)
    async def upload_sent(self, local_id: str, creative_id: int, ok: bool, status: int):
        """The browser finished posting a file: verify the stored bytes, or clean up."""
        async with self:
            self._set_upload(local_id, status="verifying", progress=100)
            user_id, language = self.user_id, self.language
        if user_id is None:
            return
        try:
            finish_upload(user_id, int(creative_id), stored=bool(ok))
        except AppError as exc:
            async with self:
                self._set_upload(local_id, status="failed", message=error_text(exc))
            yield error_toast(exc, language)
            return
        except Exception as exc:  # noqa: BLE001 - a bug: shown as 5002, logged with its traceback
            async with self:
                self._set_upload(local_id, status="failed", message="5002")
            yield unexpected_toast(exc, language)
            return
        async with self:
            if ok:
                self._set_upload(local_id, status="done")
                self.page = 1
                toasts = self._reload()
            else:
                message = f"{i18n.translate('creatives.upload_failed', language)} (HTTP {status})"
                self._set_upload(local_id, status="failed", message=message)
                toasts = [rx.toast.error(message, close_button=True)]
        for toast in toasts:
            yield toast

    @rx.event
    def clear_finished_uploads(self):
        self.uploads = [row for row in self.uploads if row.status not in ("done", "failed")]

    # --- details drawer ---------------------------------------------------------------------

    @rx.event
    def open_details(self, creative_id: int):
        card = next((c for c in self.items if c.id == creative_id), None)
        if card is None:
            return
        self.selected = card
        self.edit_name, self.edit_style, self.edit_tags = card.name, card.style, ", ".join(card.tags)
        self.edit_score, self.edit_product_url = card.score, card.product_url
        self.edit_errors = {}
        self.drawer_open = True

    @rx.event
    def set_drawer_open(self, value: bool):
        self.drawer_open = value
        if not value:
            self.confirm_delete_open = False

    @rx.event
    def set_edit(self, name: str, value: str):
        if name in EDITABLE:
            setattr(self, f"edit_{name}", value)
            self._clear_error(name)

    def _clear_error(self, name: str) -> None:
        if name in self.edit_errors:
            self.edit_errors = {k: v for k, v in self.edit_errors.items() if k != name}

    def _changes(self) -> CreativeChanges | None:
        errors: dict[str, str] = {}
        if not self.edit_name.strip():
            errors["name"] = self._text("creatives.err.name")
        score = None
        try:
            score = parse_score(self.edit_score)
        except ValueError:
            errors["score"] = self._text("creatives.err.score")
        if not valid_url(self.edit_product_url.strip()):
            errors["product_url"] = self._text("creatives.err.url")
        tags = parse_tags(self.edit_tags)
        if len(tags) > service.MAX_TAGS:
            errors["tags"] = self._text("creatives.err.tags")
        self.edit_errors = errors
        if errors:
            return None
        return CreativeChanges(name=self.edit_name, style=self.edit_style, tags=tags, score=score,
                               product_url=self.edit_product_url)

    @rx.event
    def save_details(self):
        changes = self._changes()
        if changes is None or self.user_id is None:
            return None
        self.saving = True
        yield
        try:
            with unit_of_work() as session:
                creative = service.update(session, user_id=self.user_id, creative_id=self.selected.id,
                                          changes=changes)
                self.selected = CreativeCard.of(creative, self.selected.url)
        except AppError as exc:
            self.saving = False
            if field_of(exc):
                self.edit_errors = {**self.edit_errors, field_of(exc): exc.message}
            yield error_toast(exc, self.language)
            return
        self.saving = False
        self.drawer_open = False
        toasts = self._reload()
        yield [rx.toast.success(self._text("creatives.saved")), *toasts]

    @rx.event
    def ask_delete(self):
        self.confirm_delete_open = True

    @rx.event
    def cancel_delete(self):
        self.confirm_delete_open = False

    @rx.event
    def delete_selected(self):
        """Property 18: the stored file goes first, then the row; a storage failure keeps both."""
        if self.user_id is None:
            return None
        self.deleting = True
        yield
        try:
            with unit_of_work() as session:
                service.delete(session, user_id=self.user_id, creative_id=self.selected.id,
                               context=self.request_context())
        except AppError as exc:
            self.deleting = False
            self.confirm_delete_open = False
            yield error_toast(exc, self.language)
            return
        self.deleting = False
        self.confirm_delete_open = False
        self.drawer_open = False
        if len(self.items) == 1 and self.page > 1:
            self.page -= 1
        toasts = self._reload()
        yield [rx.toast.success(self._text("creatives.deleted")), *toasts]
