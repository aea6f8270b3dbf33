"""Response envelopes shared by every REST endpoint."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Ok(BaseModel, Generic[T]):
    """`{"status": "success", "data": ...}` — the success half of the design's envelope."""

    status: Literal["success"] = "success"
    data: T


class PageOf(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class Deleted(BaseModel):
    id: int
    deleted: bool = True


class Queued(BaseModel):
    """A job was enqueued; `id` names what it works on."""

    id: int
    status: str


class PublicModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
