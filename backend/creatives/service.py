"""The creative library: uploads verified by their real type, metadata, filters, deletion.

Creatives live in the private creatives bucket; the browser sees them through fresh presigned
GET links. Deleting a creative deletes its object first: if storage fails the row stays and the
error is 5003 (Property 18), so there is never a row without a file or a file without a row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, cast, func, or_
from sqlmodel import Session, col, select

from backend.common.paging import page_total
from backend.audit.service import AuditAction, RequestContext, record
from backend.config import get_settings
from backend.errors import NotFound, StorageError, ValidationFailed
from backend.integrations.storage import (
    BucketKind,
    PresignedUpload,
    Storage,
    detect_type,
    get_storage,
    object_key,
    verify_upload,
)
from backend.models import Creative, CreativeStatus

logger = logging.getLogger(__name__)

UPLOAD_TYPES = {
    "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
    "video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm",
}
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
SORTS = {"newest": (col(Creative.id).desc(),), "oldest": (col(Creative.id).asc(),),
         "score": (col(Creative.score).desc(), col(Creative.id).desc())}


def max_bytes_for(content_type: str) -> int:
    limit = get_settings().max_upload_bytes
    return min(limit, MAX_IMAGE_BYTES) if content_type.startswith("image/") else limit


@dataclass(frozen=True)
class CreativeFilters:
    file_type: str | None = None
    style: str | None = None
    tags: list[str] = field(default_factory=list)  # a creative must carry every tag given
    score_min: float | None = None
    score_max: float | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    search: str | None = None
    sort: str = "newest"


@dataclass(frozen=True)
class CreativeChanges:
    name: str | None = None
    style: str | None = None
    tags: list[str] | None = None
    score: float | None = None
    product_url: str | None = None


# --- reading ---------------------------------------------------------------------------------


def list_creatives(
    session: Session, user_id: int, *, filters: CreativeFilters | None = None, limit: int = 20, offset: int = 0
) -> tuple[list[Creative], int]:
    f = filters or CreativeFilters()
    conditions = [Creative.user_id == user_id, Creative.status == CreativeStatus.ACTIVE]
    if f.file_type:
        conditions.append(Creative.file_type == f.file_type)
    if f.style:
        conditions.append(Creative.style == f.style)
    for tag in normalize_tags(f.tags):
        # JSON arrays are stored as text on both SQLite and MariaDB: match the quoted element.
        conditions.append(cast(Creative.tags, String).contains(f'"{tag}"', autoescape=True))
    if f.score_min is not None:
        conditions.append(Creative.score >= f.score_min)
    if f.score_max is not None:
        conditions.append(Creative.score <= f.score_max)
    if f.created_from is not None:
        conditions.append(Creative.created_at >= f.created_from)
    if f.created_to is not None:
        conditions.append(Creative.created_at <= f.created_to)
    if f.search:
        term = f.search.strip()
        conditions.append(or_(col(Creative.name).contains(term, autoescape=True),
                              col(Creative.product_url).contains(term, autoescape=True)))
    if f.sort not in SORTS:
        raise ValidationFailed("Unknown sort", details={"field": "sort", "allowed": sorted(SORTS)})
    rows = session.exec(select(Creative).where(*conditions).order_by(*SORTS[f.sort]).limit(limit).offset(offset)).all()
    total = page_total(len(rows), limit=limit, offset=offset,
                       count=lambda: session.exec(select(func.count()).select_from(Creative).where(*conditions)).one())
    return list(rows), total


def get_owned_or_raise(session: Session, user_id: int, creative_id: int, *, include_pending: bool = False) -> Creative:
    creative = session.get(Creative, creative_id)
    allowed = {CreativeStatus.ACTIVE} | ({CreativeStatus.PENDING} if include_pending else set())
    if creative is None or creative.user_id != user_id or creative.status not in allowed:
        raise NotFound("Creative not found", details={"creative_id": creative_id})
    return creative


def owned_ids(session: Session, user_id: int, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.exec(select(Creative.id).where(
        Creative.user_id == user_id, col(Creative.id).in_(ids), Creative.status == CreativeStatus.ACTIVE)))


def view_url(creative: Creative, *, storage: Storage | None = None, expires: int = 3600) -> str:
    """A signed link to a private creative (images and videos alike), valid for at least `expires` s.

    The same link is handed out again while it stays valid that long (`Storage.shared_get_link`),
    so listing 50 creatives signs nothing on a repeated page view and thumbnails stay cached.
    """
    return (storage or get_storage()).shared_get_link(BucketKind.CREATIVES, creative.storage_key, valid_for=expires)


# --- creating --------------------------------------------------------------------------------


def request_upload(
    session: Session, *, user_id: int, filename: str, content_type: str, size: int, storage: Storage | None = None
) -> tuple[Creative, PresignedUpload]:
    """A pending creative plus a presigned upload limited to the declared type and size."""
    extension = UPLOAD_TYPES.get(content_type)
    if extension is None:
        raise ValidationFailed("Unsupported file type", details={"field": "content_type", "allowed": sorted(UPLOAD_TYPES)})
    limit = max_bytes_for(content_type)
    if size <= 0 or size > limit:
        raise ValidationFailed("The file is empty or too large", details={"field": "size", "max_bytes": limit})
    storage = storage or get_storage()
    key = object_key(BucketKind.CREATIVES, user_id, suffix=extension)
    upload = storage.presigned_put(BucketKind.CREATIVES, key, content_type, limit)
    creative = Creative(user_id=user_id, name=_clean_name(filename), storage_key=key, file_url="", cdn_url="",
                        file_type=content_type.split("/")[0], mime_type=content_type, file_size=size,
                        status=CreativeStatus.PENDING)
    session.add(creative)
    session.flush()
    return creative, upload


def confirm_upload(session: Session, *, user_id: int, creative_id: int, storage: Storage | None = None) -> Creative:
    """After the browser's upload: check the real type and size before the creative goes live."""
    storage = storage or get_storage()
    creative = get_owned_or_raise(session, user_id, creative_id, include_pending=True)
    if creative.status == CreativeStatus.ACTIVE:
        return creative
    try:
        verified = verify_upload(storage, BucketKind.CREATIVES, creative.storage_key,
                                 max_bytes=max_bytes_for(creative.mime_type))
    except ValidationFailed:
        storage.delete(BucketKind.CREATIVES, creative.storage_key)
        session.delete(creative)
        session.flush()
        raise
    creative.file_type, creative.mime_type, creative.file_size = verified.file_type, verified.mime_type, verified.size
    creative.file_url = storage.public_url(BucketKind.CREATIVES, creative.storage_key)
    creative.cdn_url = storage.cdn_url(BucketKind.CREATIVES, creative.storage_key)
    creative.status = CreativeStatus.ACTIVE
    session.add(creative)
    session.flush()
    return creative


def create_from_bytes(
    session: Session,
    *,
    user_id: int,
    data: bytes,
    name: str,
    product_url: str | None = None,
    style: str | None = None,
    tags: list[str] | None = None,
    score: float | None = None,
    storage: Storage | None = None,
) -> Creative:
    """Store bytes the server already has (Reflex upload, MCP save_creative)."""
    file_type, mime = detect_type(data[:64])
    limit = max_bytes_for(mime)
    if not data or len(data) > limit:
        raise ValidationFailed("The file is empty or too large", details={"max_bytes": limit, "size": len(data)})
    _check_score(score)
    storage = storage or get_storage()
    key = object_key(BucketKind.CREATIVES, user_id, suffix=UPLOAD_TYPES[mime])
    stored = storage.put_bytes(BucketKind.CREATIVES, key, data, mime)
    creative = Creative(user_id=user_id, name=_clean_name(name), storage_key=key, file_url=stored.url,
                        cdn_url=stored.cdn_url, file_type=file_type, mime_type=mime, file_size=stored.size,
                        product_url=product_url, style=style, tags=normalize_tags(tags or []), score=score)
    session.add(creative)
    try:
        session.flush()
    except Exception:
        storage.delete(BucketKind.CREATIVES, key)  # no orphaned object when the row cannot be written
        raise
    return creative


# --- changing --------------------------------------------------------------------------------


def update(session: Session, *, user_id: int, creative_id: int, changes: CreativeChanges) -> Creative:
    creative = get_owned_or_raise(session, user_id, creative_id)
    if changes.name is not None:
        creative.name = _clean_name(changes.name)
    if changes.style is not None:
        creative.style = changes.style.strip()[:64] or None
    if changes.tags is not None:
        creative.tags = normalize_tags(changes.tags)
    if changes.score is not None:
        _check_score(changes.score)
        creative.score = changes.score
    if changes.product_url is not None:
        creative.product_url = changes.product_url.strip()[:1024] or None
    session.add(creative)
    session.flush()
    return creative


def delete(
    session: Session, *, user_id: int, creative_id: int, storage: Storage | None = None,
    context: RequestContext | None = None,
) -> None:
    """Delete the stored object, then the row (Property 18); a storage failure keeps both."""
    creative = get_owned_or_raise(session, user_id, creative_id, include_pending=True)
    storage = storage or get_storage()
    try:
        storage.delete(BucketKind.CREATIVES, creative.storage_key)
    except StorageError:
        logger.warning("creative %s: storage delete failed; the row stays", creative.id)
        raise
    session.delete(creative)
    record(session, action=AuditAction.CREATIVE_DELETED, user_id=user_id, context=context,
           details={"creative_id": creative_id, "storage_key": creative.storage_key})
    session.flush()


def purge_stale_pending(session: Session, *, older_than: datetime, storage: Storage | None = None) -> int:
    """Pending uploads never confirmed: remove the rows and whatever bytes arrived."""
    storage = storage or get_storage()
    stale = session.exec(select(Creative).where(Creative.status == CreativeStatus.PENDING,
                                                Creative.created_at < older_than)).all()
    for creative in stale:
        storage.delete(BucketKind.CREATIVES, creative.storage_key)
        session.delete(creative)
    session.flush()
    return len(stale)


# --- helpers ---------------------------------------------------------------------------------


def normalize_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        clean = " ".join(str(tag).split()).lower()[:MAX_TAG_LENGTH]
        if clean and clean not in out:
            out.append(clean)
    if len(out) > MAX_TAGS:
        raise ValidationFailed(f"At most {MAX_TAGS} tags", details={"field": "tags"})
    return out


def _check_score(score: float | None) -> None:
    if score is not None and not (0 <= score <= 100):
        raise ValidationFailed("The score must be between 0 and 100", details={"field": "score"})


def _clean_name(name: str) -> str:
    clean = " ".join((name or "").split())[:255]
    return clean or f"Creative {datetime.now(UTC):%Y-%m-%d %H:%M}"


def summary_dict(creative: Creative) -> dict[str, Any]:
    return {"id": creative.id, "name": creative.name, "file_type": creative.file_type, "style": creative.style,
            "tags": creative.tags, "score": creative.score, "cdn_url": creative.cdn_url}
