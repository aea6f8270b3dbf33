"""Pagination shared by every list: `limit`/`offset` with a hard maximum."""

from __future__ import annotations

from collections.abc import Callable
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


def page_total(rows_on_page: int, *, limit: int, offset: int, count: Callable[[], int]) -> int:
    """The list's total, without a COUNT query when the page itself tells it.

    A page shorter than `limit` ends the list, so the total is `offset` plus its rows — unless it
    is empty past the start, where the rows may have ended before `offset`; only then, and for a
    full page, is `count()` run. Most lists fit on their first page: one round trip instead of two.
    """
    if 0 < rows_on_page < limit or (rows_on_page == 0 and offset == 0):
        return offset + rows_on_page
    return int(count())
