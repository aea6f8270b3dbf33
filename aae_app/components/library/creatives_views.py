"""Typed rows of the creative library (never ORM objects in state) and the parsing of its inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from backend.models import Creative


@dataclass
class CreativeCard:
    id: int = 0
    name: str = ""
    file_type: str = "image"
    mime_type: str = ""
    size_label: str = ""
    url: str = ""
    style: str = ""
    tags: list[str] = field(default_factory=list)
    score: str = ""
    product_url: str = ""
    created: str = ""
    is_video: bool = False

    @classmethod
    def of(cls, creative: Creative, url: str) -> CreativeCard:
        return cls(
            id=creative.id or 0, name=creative.name, file_type=creative.file_type, mime_type=creative.mime_type,
            size_label=size_label(creative.file_size), url=url, style=creative.style or "",
            tags=list(creative.tags or []), score=score_label(creative.score),
            product_url=creative.product_url or "", created=creative.created_at.strftime("%Y-%m-%d"),
            is_video=creative.file_type == "video",
        )


@dataclass
class UploadRow:
    local_id: str = ""
    name: str = ""
    size_label: str = ""
    progress: int = 0
    status: str = "uploading"  # uploading | verifying | done | failed
    message: str = ""


def size_label(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} MB"


def score_label(score: float | None) -> str:
    return "" if score is None else f"{score:g}"


def parse_score(text: str) -> float | None:
    """'' → None; a number within 0..100 → float; anything else raises ValueError."""
    text = (text or "").strip()
    if not text:
        return None
    value = float(text)
    if not 0 <= value <= 100:
        raise ValueError(text)
    return value


def parse_tags(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def parse_day(text: str, *, end: bool = False) -> datetime | None:
    if not text:
        return None
    day = date.fromisoformat(text)
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def valid_url(text: str) -> bool:
    return not text or (text.startswith(("http://", "https://")) and "." in text.split("//", 1)[1])
