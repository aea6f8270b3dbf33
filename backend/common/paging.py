"""Pagination shared by every list: `limit`/`offset` with a hard maximum."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

MAX_LIMIT = 100
DEFAULT_LIMIT = 20

T = TypeVar("T")


class PageParams(BaseModel):
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
