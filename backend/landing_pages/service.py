"""Landing pages: drafts from templates, the HTML editor's content, publishing to the CDN.

Published pages live in the public landing-pages bucket under a key stable per page, so a page
keeps its URL across re-publishing; re-publishing invalidates the CDN path (Property 21).
The row follows the file: publishing uploads the file first and only then marks the row
published, unpublishing deletes the file first and only then clears the row, and a CDN
invalidation that fails after that is retried by a job (`landing_pages.invalidate_cdn`) instead
of undoing the publish or unpublish.
The HTML is the marketer's own and may carry scripts (pixels, analytics): it is only ever served
from the CDN's origin, from our origin with a sandboxing CSP, and previewed in a sandboxed
iframe without same-origin rights — never executed in the app's origin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.common.paging import page_total
from backend.audit.service import AuditAction, RequestContext, record
from backend.errors import Conflict, NotFound, StorageError, ValidationFailed
from backend.integrations.storage import BucketKind, Storage, get_storage
from backend.jobs.enqueue import enqueue_after_commit
from backend.models import LandingPage, LandingPageStatus

logger = logging.getLogger(__name__)

INVALIDATE_CDN_ACTOR = "landing_pages.invalidate_cdn"

MAX_HTML_BYTES = 2 * 1024 * 1024
LANGUAGES = ("en", "zh")
TEMPLATES = {
    "modern": {"accent": "#4f46e5", "background": "#f8fafc", "radius": "999px"},
    "minimal": {"accent": "#111827", "background": "#ffffff", "radius": "4px"},
    "bold": {"accent": "#dc2626", "background": "#fff7ed", "radius": "12px"},
}
COPY = {
    "en": {"headline": "{product} — made for you", "description": "Discover {product}. Quality you can feel, "
           "delivered fast, with a 30-day money-back guarantee.",
           "points": ["Free shipping on every order", "30-day returns, no questions asked",
                      "Loved by thousands of customers"], "cta": "Shop now", "footer": "© {year} {host}"},
    "zh": {"headline": "{product}：为你而生", "description": "发现 {product}。品质看得见，发货快，30 天无理由退款。",
           "points": ["全场包邮", "30 天无理由退货", "深受数千名顾客喜爱"], "cta": "立即购买", "footer": "© {year} {host}"},
}

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class PageData:
    name: str
    product_url: str
    template: str = "modern"
    language: str = "en"
    html_content: str | None = None
    headline: str | None = None


@dataclass(frozen=True)
class PageEdit:
    name: str | None = None
    product_url: str | None = None
    template: str | None = None
    language: str | None = None
    html_content: str | None = None


# --- reading ---------------------------------------------------------------------------------


def list_pages(session: Session, user_id: int, *, status: str | None = None, limit: int = 20,
               offset: int = 0) -> tuple[list[LandingPage], int]:
    conditions = [LandingPage.user_id == user_id]
    if status:
        conditions.append(LandingPage.status == status)
    rows = session.exec(select(LandingPage).where(*conditions).order_by(col(LandingPage.id).desc())
                        .limit(limit).offset(offset)).all()
    total = page_total(len(rows), limit=limit, offset=offset,
                       count=lambda: session.exec(select(func.count()).select_from(LandingPage).where(*conditions)).one())
    return list(rows), total


def get_owned_or_raise(session: Session, user_id: int, page_id: int) -> LandingPage:
    page = session.get(LandingPage, page_id)
    if page is None or page.user_id != user_id:
        raise NotFound("Landing page not found", details={"landing_page_id": page_id})
    return page


# --- drafting --------------------------------------------------------------------------------


def render_template(*, template: str, language: str, product_url: str, headline: str | None = None) -> str:
    style = TEMPLATES[_template(template)]
    copy = COPY[_language(language)]
    host = urlparse(product_url).hostname or ""
    product = headline or host.removeprefix("www.").split(".")[0].replace("-", " ").title() or "Our product"
    return _env.get_template("base.html.j2").render(
        lang=language, product_url=product_url, headline=copy["headline"].format(product=product) if not headline else headline,
        description=copy["description"].format(product=product), points=copy["points"], cta=copy["cta"],
        footer=copy["footer"].format(year=datetime.now(UTC).year, host=host), **style,
    )


def create(session: Session, *, user_id: int, data: PageData) -> LandingPage:
    product_url = _product_url(data.product_url)
    template, language = _template(data.template), _language(data.language)
    html = data.html_content if data.html_content is not None else render_template(
        template=template, language=language, product_url=product_url, headline=data.headline)
    page = LandingPage(user_id=user_id, name=_name(data.name), product_url=product_url, template=template,
                       language=language, html_content=_html(html), status=LandingPageStatus.DRAFT)
    session.add(page)
    session.flush()
    return page


def update(session: Session, *, user_id: int, page_id: int, edit: PageEdit) -> LandingPage:
    page = get_owned_or_raise(session, user_id, page_id)
    if page.status == LandingPageStatus.ARCHIVED:
        raise Conflict("Restore the page before editing it", details={"landing_page_id": page_id})
    if edit.name is not None:
        page.name = _name(edit.name)
    if edit.product_url is not None:
        page.product_url = _product_url(edit.product_url)
    if edit.template is not None:
        page.template = _template(edit.template)
    if edit.language is not None:
        page.language = _language(edit.language)
    if edit.html_content is not None:
        page.html_content = _html(edit.html_content)
    session.add(page)
    session.flush()
    return page


# --- publishing (Property 21) ----------------------------------------------------------------


def page_key(page: LandingPage) -> str:
    return f"{BucketKind.LANDING_PAGES}/{page.user_id}/{page.id}/index.html"


def publish(session: Session, *, user_id: int, page_id: int, storage: Storage | None = None,
            context: RequestContext | None = None) -> LandingPage:
    """Upload the HTML to the public bucket, record the public URL, then invalidate the CDN path.

    Also re-publishing a published page (same key, so the same URL).
    - The upload fails: StorageError (5003) and nothing changed; the previous version, if any,
      stays live and the row as it was (the caller's transaction rolls back).
    - The upload succeeded: the new file is public, so the row is published with its URL whatever
      happens next. If the CDN invalidation then fails, it is left to the
      `landing_pages.invalidate_cdn` job (enqueued after commit, retried with backoff) and the
      edges may serve their cached previous version until it runs or their cache expires.
    """
    page = get_owned_or_raise(session, user_id, page_id)
    if page.status == LandingPageStatus.ARCHIVED:
        raise Conflict("An archived page cannot be published", details={"landing_page_id": page_id})
    if not (page.html_content or "").strip():
        raise ValidationFailed("The page has no content to publish", details={"field": "html_content"})
    storage = storage or get_storage()
    key = page_key(page)
    stored = storage.put_bytes(BucketKind.LANDING_PAGES, key, page.html_content.encode("utf-8"),
                               "text/html; charset=utf-8")
    page.s3_key, page.url = key, stored.cdn_url
    page.status = LandingPageStatus.PUBLISHED
    page.published_at = datetime.now(UTC)
    session.add(page)
    session.flush()
    record(session, action=AuditAction.LANDING_PAGE_PUBLISHED, user_id=user_id, context=context,
           details={"landing_page_id": page.id, "url": page.url})
    _invalidate_or_retry_later(session, user_id=user_id, paths=[f"/{key}"], storage=storage)
    return page


def unpublish(session: Session, *, user_id: int, page_id: int, storage: Storage | None = None) -> LandingPage:
    """Take the page off the web: delete its public file, then mark the row unpublished.

    - The delete fails: StorageError (5003) and nothing changed; the page is still published
      and still served (the caller's transaction rolls back).
    - The delete succeeded: the row is unpublished whatever happens next. The CDN path is then
      invalidated so the edges drop their cached copy; if CloudFront fails, that is left to the
      `landing_pages.invalidate_cdn` job (enqueued after commit, retried with backoff) and the
      edges may serve the cached copy until it runs or their cache expires.
    """
    page = get_owned_or_raise(session, user_id, page_id)
    key = page.s3_key
    if key:
        storage = storage or get_storage()
        storage.delete(BucketKind.LANDING_PAGES, key)
    page.url, page.s3_key = "", ""
    if page.status == LandingPageStatus.PUBLISHED:
        page.status = LandingPageStatus.DRAFT
    session.add(page)
    session.flush()
    if key:
        _invalidate_or_retry_later(session, user_id=user_id, paths=[f"/{key}"], storage=storage)
    return page


def _invalidate_or_retry_later(session: Session, *, user_id: int, paths: list[str], storage: Storage) -> None:
    try:
        storage.invalidate_cdn(paths)
    except StorageError as exc:
        logger.warning("CDN invalidation of %s failed (%s); the invalidate_cdn job will retry it", paths,
                       exc.details.get("reason", exc.message))
        enqueue_after_commit(session, INVALIDATE_CDN_ACTOR, user_id, paths)


def invalidate_cdn(paths: list[str], *, storage: Storage | None = None) -> str | None:
    """Invalidate CDN paths (the `landing_pages.invalidate_cdn` job); StorageError (5003) when
    the CDN cannot be reached, for the job to retry."""
    return (storage or get_storage()).invalidate_cdn(paths)


def archive(session: Session, *, user_id: int, page_id: int, storage: Storage | None = None) -> LandingPage:
    page = unpublish(session, user_id=user_id, page_id=page_id, storage=storage)
    page.status = LandingPageStatus.ARCHIVED
    session.add(page)
    session.flush()
    return page


def restore(session: Session, *, user_id: int, page_id: int) -> LandingPage:
    page = get_owned_or_raise(session, user_id, page_id)
    if page.status == LandingPageStatus.ARCHIVED:
        page.status = LandingPageStatus.DRAFT
        session.add(page)
        session.flush()
    return page


def delete(session: Session, *, user_id: int, page_id: int, storage: Storage | None = None) -> None:
    """Remove the published object first; a storage failure keeps the page (5003)."""
    page = get_owned_or_raise(session, user_id, page_id)
    if page.s3_key:
        unpublish(session, user_id=user_id, page_id=page_id, storage=storage)
    session.delete(page)
    session.flush()


# --- validation ------------------------------------------------------------------------------


def _name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name or len(name) > 255:
        raise ValidationFailed("The page name is required (at most 255 characters)", details={"field": "name"})
    return name


def _product_url(value: str) -> str:
    url = (value or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or len(url) > 1024:
        raise ValidationFailed("The product URL must be a full http(s) address", details={"field": "product_url"})
    return url


def _template(value: str) -> str:
    if value not in TEMPLATES:
        raise ValidationFailed("Unknown template", details={"field": "template", "allowed": sorted(TEMPLATES)})
    return value


def _language(value: str) -> str:
    if value not in LANGUAGES:
        raise ValidationFailed("Unsupported language", details={"field": "language", "allowed": list(LANGUAGES)})
    return value


def _html(value: str) -> str:
    if len(value.encode("utf-8")) > MAX_HTML_BYTES:
        raise ValidationFailed("The page is larger than 2 MB", details={"field": "html_content"})
    return value
