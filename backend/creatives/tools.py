"""MCP tools of the creatives domain: list, save (bytes or a URL), delete.

`save_creative` takes the file either as base64 or as an http(s) URL that the server fetches
with a timeout and a size limit. The URL must resolve to public addresses only (no loopback,
private or link-local targets: the platform must not be a proxy into its own network), and
every redirect hop is checked the same way. The check happens where the connection is made: the
host is resolved once, and the socket connects to exactly the address that was checked, so a DNS
answer that changes between a check and the connection (DNS rebinding) cannot reach inside.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import socket
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlparse

import httpcore
import httpx
from pydantic import Field, HttpUrl, model_validator
from sqlmodel import Session

from backend.config import get_settings
from backend.creatives import service as creatives
from backend.creatives.schemas import CreativePublic
from backend.creatives.service import CreativeFilters
from backend.errors import InvalidParameters, ValidationFailed
from backend.mcp.registry import ToolParams, tool
from backend.models import Creative

FETCH_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_REDIRECTS = 3
MAX_BASE64_CHARS = 28 * 1024 * 1024  # ~20 MB of bytes, the image limit
# Tests serving files from 127.0.0.1 switch this on; production never does.
ALLOW_PRIVATE_HOSTS = False


def _public(creative: Creative) -> dict[str, Any]:
    out = CreativePublic.model_validate(creative)
    out.view_url = creatives.view_url(creative)
    return out.model_dump(mode="json")


class ListCreativesParams(ToolParams):
    type: Literal["image", "video"] | None = None
    style: str | None = Field(default=None, max_length=64)
    tags: list[str] = Field(default_factory=list, max_length=20, description="Creatives carrying all of these tags")
    score_min: float | None = Field(default=None, ge=0, le=100)
    score_max: float | None = Field(default=None, ge=0, le=100)
    created_from: datetime | None = None
    created_to: datetime | None = None
    search: str | None = Field(default=None, max_length=100, description="In the name or product URL")
    sort: Literal["newest", "oldest", "score"] = "newest"
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


@tool("list_creatives", "The user's creative library (images and videos) with filters by type, style, tags, "
      "score, date and text; each item has a short-lived view link.", ListCreativesParams, read_only=True,
      title="List creatives")
def list_creatives(session: Session, user_id: int, params: ListCreativesParams) -> dict[str, Any]:
    filters = CreativeFilters(file_type=params.type, style=params.style, tags=params.tags,
                              score_min=params.score_min, score_max=params.score_max,
                              created_from=params.created_from, created_to=params.created_to, search=params.search,
                              sort=params.sort)
    rows, total = creatives.list_creatives(session, user_id, filters=filters, limit=params.limit,
                                           offset=params.offset)
    return {"items": [_public(r) for r in rows], "total": total, "limit": params.limit, "offset": params.offset}


class SaveCreativeParams(ToolParams):
    name: str = Field(min_length=1, max_length=255)
    content_base64: str | None = Field(default=None, max_length=MAX_BASE64_CHARS,
                                       description="The file's bytes, base64-encoded")
    url: HttpUrl | None = Field(default=None, description="Or an http(s) URL to fetch the file from")
    product_url: HttpUrl | None = None
    style: str | None = Field(default=None, max_length=64)
    tags: list[str] = Field(default_factory=list, max_length=20)
    score: float | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _one_source(self) -> SaveCreativeParams:
        if (self.content_base64 is None) == (self.url is None):
            raise ValueError("give either `content_base64` or `url`")
        return self


@tool("save_creative", "Save an image or video (PNG, JPEG, GIF, WebP, MP4, MOV, WebM) to the user's creative "
      "library, from base64 bytes or an http(s) URL.", SaveCreativeParams, title="Save creative")
def save_creative(session: Session, user_id: int, params: SaveCreativeParams) -> dict[str, Any]:
    if params.content_base64 is not None:
        try:
            data = base64.b64decode(params.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidParameters("content_base64 is not valid base64",
                                    details={"field": "content_base64"}) from None
    else:
        data = fetch(str(params.url), max_bytes=get_settings().max_upload_bytes)
    creative = creatives.create_from_bytes(
        session, user_id=user_id, data=data, name=params.name,
        product_url=str(params.product_url) if params.product_url else None, style=params.style,
        tags=params.tags, score=params.score)
    return _public(creative)


class DeleteCreativeParams(ToolParams):
    creative_id: int = Field(gt=0)


@tool("delete_creative", "Delete a creative from the library: its file, then its record.", DeleteCreativeParams,
      destructive=True, idempotent=False, title="Delete creative")
def delete_creative(session: Session, user_id: int, params: DeleteCreativeParams) -> dict[str, Any]:
    creatives.delete(session, user_id=user_id, creative_id=params.creative_id)
    return {"id": params.creative_id, "deleted": True}


# --- fetching a URL --------------------------------------------------------------------------


def fetch(url: str, *, max_bytes: int) -> bytes:
    """GET `url` (public hosts only, redirects re-checked), at most `max_bytes`, within the timeout."""
    transport = httpx.HTTPTransport()
    transport._pool._network_backend = _PublicAddressBackend()  # httpx has no public hook for this
    # trust_env=False: a proxy from the environment would resolve the host itself, unchecked.
    with httpx.Client(transport=transport, timeout=FETCH_TIMEOUT, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _require_http_url(url)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise _fetch_failed(url, f"the server answered {response.status_code}")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise _fetch_failed(url, "the file is too large", max_bytes=max_bytes)
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise _fetch_failed(url, "the file is too large", max_bytes=max_bytes)
                    return bytes(body)
            except _AddressRefused as refused:
                raise _fetch_failed(url, refused.reason) from None
            except httpx.HTTPError as exc:
                raise _fetch_failed(url, f"{type(exc).__name__}") from None
    raise _fetch_failed(url, "too many redirects")


def _require_http_url(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise _fetch_failed(url, "only http(s) URLs can be fetched")


class _AddressRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def public_address(host: str, port: int) -> str:
    """The address to connect to for `host`: resolved once, and refused unless every address the
    name resolves to is public (`ALLOW_PRIVATE_HOSTS` lifts that for tests)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _AddressRefused("the host does not resolve") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise _AddressRefused("the host does not resolve")
    if not ALLOW_PRIVATE_HOSTS and not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise _AddressRefused("the host is not a public address")
    return addresses[0]


class _PublicAddressBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to the checked address of the request's host.

    TLS still verifies the certificate against the host name (httpcore passes the URL's host as
    the server name), so pinning the address changes nothing else.
    """

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return super().connect_tcp(public_address(host, port), port, timeout, local_address, socket_options)


def _fetch_failed(url: str, reason: str, **details: Any) -> ValidationFailed:
    return ValidationFailed(f"Could not fetch the file: {reason}", details={"field": "url", "url": url, **details})
