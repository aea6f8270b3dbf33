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


class ErrorBody(BaseModel):
    code: str
    type: str
    message: str
    details: dict
    timestamp: str
    request_id: str | None


class ErrorEnvelope(BaseModel):
    """`{"status": "error", "error": {...}}` — every failure, REST and MCP alike."""

    status: Literal["error"] = "error"
    error: ErrorBody


def _error(description: str) -> dict:
    return {"model": ErrorEnvelope, "description": description}


# Documented on every API route so clients (and schemathesis) know the failure shapes.
ERROR_RESPONSES: dict[int | str, dict] = {
    400: _error("Bad request"),
    401: _error("Missing, expired or forged token (1002)"),
    402: _error("Insufficient credits (6011)"),
    403: _error("Forbidden (1004)"),
    404: _error("Not found, or not yours (5000)"),
    409: _error("Conflict with the resource's state (4009)"),
    422: _error("Validation failed (4000, 3002)"),
    429: _error("Rate limited (1029); see Retry-After"),
    500: _error("Internal error (5002)"),
    502: _error("Storage or upstream failure (5003, 6020)"),
    503: _error("Upstream temporarily unavailable (6021)"),
}
